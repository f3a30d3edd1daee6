"""Writes the plugin-facing descriptors of the installed spaceone-api wheel as one FileDescriptorSet.

Usage: python export_spaceone_descriptors.py OUT.pb   (in a venv with spaceone-api installed)

The set holds exactly the files the runner's .proto files mirror (the wheel's own text, parsed from each
*_pb2 module's serialized descriptor); SpaceOneApiWireCompatibilityTest compares them field by field with the
runner's generated descriptors, and checks the golden copy in src/test/resources against this output.
"""
import importlib
import sys

from google.protobuf import descriptor_pb2

MODULES = [
    "spaceone.api.inventory.plugin.collector_pb2",
    "spaceone.api.inventory.plugin.job_pb2",
    "spaceone.api.cost_analysis.plugin.data_source_pb2",
    "spaceone.api.cost_analysis.plugin.job_pb2",
    "spaceone.api.cost_analysis.plugin.cost_pb2",
]


def main(out_path):
    file_set = descriptor_pb2.FileDescriptorSet()
    for name in MODULES:
        proto = file_set.file.add()
        proto.ParseFromString(importlib.import_module(name).DESCRIPTOR.serialized_pb)
    with open(out_path, "wb") as out:
        out.write(file_set.SerializeToString(deterministic=True))


if __name__ == "__main__":
    main(sys.argv[1])
