"""Console script: spaceone-example-plugin inventory|cost

Starts the plugin exactly as SpaceONE's images start theirs (`spaceone run grpc-server PACKAGE`): a plain-text
gRPC server on [::]:$SPACEONE_PORT (default 50051) that never exits, with v1alpha reflection and health.
"""
import sys

from spaceone.core.command import cli

PACKAGES = {
    "inventory": "spaceone_example_plugin.inventory",
    "cost": "spaceone_example_plugin.cost",
}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in PACKAGES:
        sys.stderr.write("usage: spaceone-example-plugin inventory|cost\n")
        sys.exit(2)
    cli(args=["run", "grpc-server", PACKAGES[sys.argv[1]]], prog_name="spaceone")


if __name__ == "__main__":
    main()
