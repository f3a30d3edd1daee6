from spaceone.api.inventory.plugin import collector_pb2, collector_pb2_grpc
from spaceone.core.error import ERROR_BASE
from spaceone.core.pygrpc import BaseAPI

from spaceone_example_plugin.inventory import records
from spaceone_example_plugin.requests import require


class ERROR_EXAMPLE_STREAM_BROKEN(ERROR_BASE):
    _status_code = "INTERNAL"
    _message = "the example plugin broke its stream after {count} records, as options.break_after asked"


class Collector(BaseAPI, collector_pb2_grpc.CollectorServicer):
    pb2 = collector_pb2
    pb2_grpc = collector_pb2_grpc

    def init(self, request, context):
        params, metadata = self.parse_request(request, context)
        return self.dict_to_message({"metadata": {
            "supported_resource_type": ["inventory.CloudService", "inventory.CloudServiceType", "inventory.Region"],
            "supported_features": ["garbage_collection"],
            "supported_schedules": ["hours"],
            "options_schema": {},
        }})

    def verify(self, request, context):
        params, metadata = self.parse_request(request, context)
        require(params, "options", "secret_data")
        return self.empty()

    def collect(self, request, context):
        params, metadata = self.parse_request(request, context)
        require(params, "options", "secret_data", "filter")
        options = params["options"]
        break_after = int(options.get("break_after", -1))
        for count, record in enumerate(records.records(options, params.get("task_options", {}))):
            if count == break_after:
                raise ERROR_EXAMPLE_STREAM_BROKEN(count=count)
            yield self.dict_to_message(record)
