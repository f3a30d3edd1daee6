package dev.spaceone.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import dev.spaceone.runner.api.costanalysis.CostGrpc;
import dev.spaceone.runner.api.costanalysis.CostJobProto;
import dev.spaceone.runner.api.costanalysis.DataSourceGrpc;
import dev.spaceone.runner.api.costanalysis.JobGrpc;
import dev.spaceone.runner.api.inventory.CollectorGrpc;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServiceDescriptor;
import dev.spaceone.runner.api.costanalysis.CostProto;
import dev.spaceone.runner.api.costanalysis.DataSourceProto;
import dev.spaceone.runner.api.inventory.CollectorProto;
import dev.spaceone.runner.api.inventory.InventoryJobProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's .proto files against the spaceone-api 2.0.435 wheel: same files, packages, imports, messages,
 * fields (name, number, label, type, message/enum type), enums, services and methods (name, types, streaming).
 * Options (java_package, go_package, the wheel's empty method options) and json names are not part of the wire.
 * The golden set in src/test/resources was exported from the wheel by src/test/python/export_spaceone_descriptors.py;
 * with the example venv present, the wheel is exported again and must equal the golden set.
 */
class SpaceOneApiWireCompatibilityTest {
  static final String GOLDEN = "/spaceone-api-2.0.435-plugin-descriptors.pb";
  static final List<FileDescriptor> OURS = List.of(CollectorProto.getDescriptor(),
      InventoryJobProto.getDescriptor(), DataSourceProto.getDescriptor(), CostJobProto.getDescriptor(),
      CostProto.getDescriptor());

  @Test
  void everyWheelFileHasAWireIdenticalCopy() throws IOException {
    FileDescriptorSet golden = golden();
    Map<String, FileDescriptorProto> ours = OURS.stream().map(FileDescriptor::toProto)
        .collect(Collectors.toMap(FileDescriptorProto::getName, Function.identity()));
    assertEquals(golden.getFileCount(), ours.size(), "one .proto per wheel file");
    for (FileDescriptorProto wheel : golden.getFileList()) {
      FileDescriptorProto copy = ours.get(wheel.getName());
      assertTrue(copy != null, "no copy of " + wheel.getName());
      assertEquals(wire(wheel).toString(), wire(copy).toString(), wheel.getName());
    }
  }

  /** The generated stubs call exactly the wheel's methods: path, kind (unary / server stream), no other. */
  @Test
  void theGeneratedStubsCallTheWheelsMethods() throws IOException {
    Map<String, MethodType> wheel = new TreeMap<>();
    for (FileDescriptorProto file : golden().getFileList()) {
      for (ServiceDescriptorProto service : file.getServiceList()) {
        for (MethodDescriptorProto method : service.getMethodList()) {
          assertTrue(!method.getClientStreaming(), method.getName());
          wheel.put(io.grpc.MethodDescriptor.generateFullMethodName(file.getPackage() + "." + service.getName(),
              method.getName()), method.getServerStreaming() ? MethodType.SERVER_STREAMING : MethodType.UNARY);
        }
      }
    }
    Map<String, MethodType> stubs = new TreeMap<>();
    for (ServiceDescriptor service : List.of(CollectorGrpc.getServiceDescriptor(),
        dev.spaceone.runner.api.inventory.JobGrpc.getServiceDescriptor(), DataSourceGrpc.getServiceDescriptor(),
        JobGrpc.getServiceDescriptor(), CostGrpc.getServiceDescriptor())) {
      service.getMethods().forEach(m -> stubs.put(m.getFullMethodName(), m.getType()));
    }
    assertEquals(wheel, stubs);
  }

  @Test
  void theComparisonSeesAFieldNumberChange() throws IOException {
    FileDescriptorProto wheel = golden().getFile(0);
    FileDescriptorProto changed = wheel.toBuilder().setMessageType(0, wheel.getMessageType(0).toBuilder()
        .setField(0, wheel.getMessageType(0).getField(0).toBuilder().setNumber(99))).build();
    assertTrue(!wire(wheel).toString().equals(wire(changed).toString()));
  }

  @Test
  void theGoldenSetIsWhatTheInstalledWheelSays(@TempDir Path dir) throws Exception {
    PythonVenv.assume();
    Path python = PythonVenv.python();
    Path script = Path.of("src/test/python/export_spaceone_descriptors.py").toAbsolutePath();
    Path out = dir.resolve("wheel.pb");
    Process process = new ProcessBuilder(python.toString(), script.toString(), out.toString())
        .redirectErrorStream(true).start();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "export did not finish");
    String output = new String(process.getInputStream().readAllBytes());
    assertEquals(0, process.exitValue(), output);
    FileDescriptorSet exported = FileDescriptorSet.parseFrom(Files.readAllBytes(out));
    assertEquals(golden().toString(), exported.toString());
  }

  static FileDescriptorSet golden() throws IOException {
    try (InputStream in = SpaceOneApiWireCompatibilityTest.class.getResourceAsStream(GOLDEN)) {
      return FileDescriptorSet.parseFrom(in);
    }
  }

  /** What reaches the wire: everything but options, json names and source info. */
  static FileDescriptorProto wire(FileDescriptorProto file) {
    FileDescriptorProto.Builder b = file.toBuilder().clearOptions().clearSourceCodeInfo();
    b.getMessageTypeBuilderList().forEach(SpaceOneApiWireCompatibilityTest::wire);
    for (ServiceDescriptorProto.Builder service : b.getServiceBuilderList()) {
      service.clearOptions();
      service.getMethodBuilderList().forEach(MethodDescriptorProto.Builder::clearOptions);
    }
    b.getEnumTypeBuilderList().forEach(e -> e.clearOptions());
    return b.build();
  }

  private static void wire(DescriptorProto.Builder message) {
    message.clearOptions();
    message.getFieldBuilderList().forEach(f -> f.clearJsonName().clearOptions());
    message.getNestedTypeBuilderList().forEach(SpaceOneApiWireCompatibilityTest::wire);
    message.getEnumTypeBuilderList().forEach(e -> e.clearOptions());
  }
}
