"""Console script: spaceone-example-plugin inventory|cost

Starts the plugin exactly as SpaceONE's images start theirs (`spaceone run grpc-server PACKAGE`): a plain-text
gRPC server on [::]:$SPACEONE_PORT (default 50051) that never exits, with v1alpha reflection and health.
"""
import os
import signal
import sys

from spaceone.core.command import cli

PACKAGES = {
    "inventory": "spaceone_example_plugin.inventory",
    "cost": "spaceone_example_plugin.cost",
}


def _stop(signum, frame):
    # In a container this process is PID 1, for which the kernel drops SIGTERM unless a handler is installed
    # (spaceone-core installs none): the kubelet would wait the pod's whole grace period before killing the
    # sidecar after each task. The plugin keeps no state, so it stops at once.
    os._exit(0)


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in PACKAGES:
        sys.stderr.write("usage: spaceone-example-plugin inventory|cost\n")
        sys.exit(2)
    # SPACEONE_EXAMPLE_SIGTERM=ignore plays a real SpaceONE image (no TERM handler): the kernel drops SIGTERM for
    # PID 1, and only SIGKILL at the end of the pod's grace period stops it.
    if os.environ.get("SPACEONE_EXAMPLE_SIGTERM") != "ignore":
        signal.signal(signal.SIGTERM, _stop)
    cli(args=["run", "grpc-server", PACKAGES[sys.argv[1]]], prog_name="spaceone")


if __name__ == "__main__":
    main()
