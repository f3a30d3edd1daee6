from spaceone.api.inventory.plugin import job_pb2, job_pb2_grpc
from spaceone.core.pygrpc import BaseAPI

from spaceone_example_plugin.inventory import records
from spaceone_example_plugin.requests import require


class Job(BaseAPI, job_pb2_grpc.JobServicer):
    pb2 = job_pb2
    pb2_grpc = job_pb2_grpc

    def get_tasks(self, request, context):
        params, metadata = self.parse_request(request, context)
        require(params, "options", "secret_data")
        return self.dict_to_message({"tasks": records.tasks()})
