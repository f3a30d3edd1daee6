from spaceone.api.cost_analysis.plugin import cost_pb2, cost_pb2_grpc
from spaceone.core.pygrpc import BaseAPI

from spaceone_example_plugin.cost import records
from spaceone_example_plugin.requests import require, require_value


class Cost(BaseAPI, cost_pb2_grpc.CostServicer):
    pb2 = cost_pb2
    pb2_grpc = cost_pb2_grpc

    def get_linked_accounts(self, request, context):
        params, metadata = self.parse_request(request, context)
        return self.dict_to_message({"results": [{"account_id": params["options"].get("account", "example-account")}]})

    def get_data(self, request, context):
        params, metadata = self.parse_request(request, context)
        require(params, "options", "secret_data", "task_options")
        require_value(params, "domain_id")
        require_value(params["options"], "secret_type")
        for message in records.messages(params["options"], params["task_options"]):
            yield self.dict_to_message(message)
