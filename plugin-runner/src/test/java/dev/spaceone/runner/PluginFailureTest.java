package dev.spaceone.runner;

import static dev.spaceone.runner.RunnerHarness.inventoryTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spaceone.runner.grpc.PluginConnection;
import dev.spaceone.runner.api.inventory.CollectorGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plugin that is not there, or that does not speak SpaceONE's gRPC: own error code, the reason, no hang. */
class PluginFailureTest {
  @TempDir
  Path dir;

  @Test
  void nobodyListeningIsUnreachableAfterTheConnectTimeout() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    RunnerHarness harness = new RunnerHarness(dir);
    harness.connectTimeout = Duration.ofSeconds(1);
    RunnerHarness.Outcome outcome = harness.run("collect", inventoryTask(""), deadline -> PluginConnection.open(
        "127.0.0.1:" + port, harness.connectTimeout, deadline, harness.unaryTimeout,
        PluginConnection.MAX_INBOUND_BYTES));

    assertEquals(1, outcome.exitCode());
    JsonNode error = outcome.result().get("errors").get(0);
    assertEquals("ERROR_PLUGIN_UNREACHABLE", error.get("error_code").asText());
    assertTrue(error.get("message").asText().startsWith("no plugin accepted connections on 127.0.0.1:" + port
        + " within 1 s"), error.toString());
    assertEquals(1, outcome.result().get("failure_count").asInt());
  }

  @Test
  void aServerThatAnswersBytesThatAreNotHttp2IsAPluginError() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread answering = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket client = server.accept(); OutputStream out = client.getOutputStream()) {
            out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
          } catch (java.io.IOException e) {
            return;
          }
        }
      });
      answering.setDaemon(true);
      answering.start();
      RunnerHarness harness = new RunnerHarness(dir);
      RunnerHarness.Outcome outcome = harness.run("collect", inventoryTask(""), deadline -> PluginConnection.open(
          "127.0.0.1:" + server.getLocalPort(), harness.connectTimeout, deadline, harness.unaryTimeout,
          PluginConnection.MAX_INBOUND_BYTES));

      assertEquals(1, outcome.exitCode());
      JsonNode error = outcome.result().get("errors").get(0);
      assertEquals("ERROR_COLLECTOR_PLUGIN", error.get("error_code").asText());
      assertTrue(error.get("message").asText().startsWith("Collector.init on 127.0.0.1:"), error.toString());
    }
  }

  @Test
  void aGrpcAnswerThatIsNotTheExpectedMessageIsAPluginError() throws Exception {
    // The plugin's collect answers bytes that do not parse as a ResourceInfo.
    MethodDescriptor<InputStream, InputStream> raw = CollectorGrpc.getCollectMethod().toBuilder(
        new RawMarshaller(), new RawMarshaller()).build();
    ServerServiceDefinition service = ServerServiceDefinition.builder(raw.getServiceName())
        .addMethod(raw, ServerCalls.asyncServerStreamingCall((request, out) -> {
          out.onNext(new ByteArrayInputStream(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01}));
          out.onCompleted();
        })).build();
    try (FakePlugin plugin = new FakePlugin().with(service)) {
      RunnerHarness.Outcome outcome = new RunnerHarness(dir).run("collect", inventoryTask(""), plugin);

      assertEquals(1, outcome.exitCode());
      JsonNode error = outcome.result().get("errors").get(0);
      assertEquals("ERROR_COLLECTOR_PLUGIN", error.get("error_code").asText());
      assertTrue(error.get("message").asText().contains("Collector.collect"), error.toString());
    }
  }

  @Test
  void theWatchdogWritesTheTimeoutAndStopsARunThatOverstaysItsDeadline() throws Exception {
    CountDownLatch halted = new CountDownLatch(1);
    AtomicInteger haltStatus = new AtomicInteger(-1);
    RunnerHarness harness = new RunnerHarness(dir);
    harness.timeout = Duration.ofSeconds(2);
    harness.watchdog = Duration.ofSeconds(2);
    harness.halt = status -> {
      haltStatus.set(status);
      halted.countDown();
    };
    // Something that ignores every deadline (as a stuck sink would): it goes on only once the watchdog halted
    // (in production the process ends there; here the run goes on, and its own result is not written over).
    RunnerHarness.Outcome outcome;
    try (FakePlugin plugin = new FakePlugin().stream(CollectorGrpc.getCollectMethod(), (request, out) -> {
      out.onNext(Resources.cloudService("a"));
      out.onCompleted();
    })) {
      var channel = plugin.start(PluginConnection.MAX_INBOUND_BYTES);
      outcome = harness.run("collect", inventoryTask(""), deadline -> {
        try {
          halted.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return PluginConnection.over(channel, deadline, harness.unaryTimeout);
      });
    }

    assertEquals(1, haltStatus.get());
    JsonNode error = outcome.result().get("errors").get(0);
    assertEquals("ERROR_PLUGIN_TIMEOUT", error.get("error_code").asText());
    assertTrue(error.get("message").asText().endsWith("the runner was stopped"), error.toString());
  }

  @Test
  void anUnusableTaskFileIsReportedWithoutCallingThePlugin() throws Exception {
    RunnerHarness.Outcome outcome = new RunnerHarness(dir).run("collect", "{\"service\":\"power-scheduler\"}",
        deadline -> {
          throw new AssertionError("no plugin call for an invalid task");
        });

    assertEquals(1, outcome.exitCode());
    JsonNode error = outcome.result().get("errors").get(0);
    assertEquals("ERROR_INVALID_TASK", error.get("error_code").asText());
  }

  private static final class RawMarshaller implements MethodDescriptor.Marshaller<InputStream> {
    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    @Override
    public InputStream parse(InputStream stream) {
      return stream;
    }
  }
}
