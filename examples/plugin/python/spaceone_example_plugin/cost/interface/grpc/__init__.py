from spaceone.core.pygrpc.server import GRPCServer

from spaceone_example_plugin.cost.interface.grpc.cost import Cost
from spaceone_example_plugin.cost.interface.grpc.data_source import DataSource
from spaceone_example_plugin.cost.interface.grpc.job import Job

app = GRPCServer()
app.add_service(DataSource)
app.add_service(Job)
app.add_service(Cost)
