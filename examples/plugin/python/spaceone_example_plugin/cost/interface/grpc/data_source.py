from spaceone.api.cost_analysis.plugin import data_source_pb2, data_source_pb2_grpc
from spaceone.core.pygrpc import BaseAPI

from spaceone_example_plugin.requests import require, require_value


class DataSource(BaseAPI, data_source_pb2_grpc.DataSourceServicer):
    pb2 = data_source_pb2
    pb2_grpc = data_source_pb2_grpc

    def init(self, request, context):
        params, metadata = self.parse_request(request, context)
        require_value(params, "domain_id")
        return self.dict_to_message({"metadata": {
            "currency": "USD",
            "supported_secret_types": ["MANUAL"],
            "data_source_rules": [],
        }})

    def verify(self, request, context):
        params, metadata = self.parse_request(request, context)
        require(params, "options", "secret_data")
        return self.empty()
