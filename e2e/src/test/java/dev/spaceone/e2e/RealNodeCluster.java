package dev.spaceone.e2e;

import dev.spaceone.testkit.LocalImages;
import dev.spaceone.testkit.RealNode;
import java.time.Duration;
import java.util.List;

/** A control plane of its own with one {@link RealNode} (see {@link RealNodeExtension}). */
final class RealNodeCluster implements AutoCloseable {
  final ControlPlane plane;
  final RealNode node;

  private RealNodeCluster(ControlPlane plane, RealNode node) {
    this.plane = plane;
    this.node = node;
  }

  static RealNodeCluster start() {
    List<java.nio.file.Path> images = LocalImages.build(SpaceOneCluster.REPO, "test");
    ControlPlane plane = ControlPlane.startForNodes();
    try {
      RealNode node = RealNode.start(plane.plane(), images);
      System.err.println("[e2e] real node " + node.name() + " Ready in " + node.startTime().toMillis() + " ms");
      return new RealNodeCluster(plane, node);
    } catch (RuntimeException | Error e) {
      plane.close();
      throw e;
    }
  }

  /** Imports more OCI archives (e.g. the operator's image) into the node's containerd. */
  void importImages(List<java.nio.file.Path> archives) {
    for (java.nio.file.Path archive : archives) {
      long started = System.nanoTime();
      node.ctr("images", "import", archive.toString());
      System.err.println("[e2e] imported " + archive.getFileName() + " in "
          + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
    }
  }

  @Override
  public void close() {
    try {
      node.close();
    } finally {
      plane.close();
    }
  }
}
