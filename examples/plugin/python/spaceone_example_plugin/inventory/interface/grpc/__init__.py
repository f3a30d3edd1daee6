from spaceone.core.pygrpc.server import GRPCServer

from spaceone_example_plugin.inventory.interface.grpc.collector import Collector
from spaceone_example_plugin.inventory.interface.grpc.job import Job

app = GRPCServer()
app.add_service(Collector)
app.add_service(Job)
