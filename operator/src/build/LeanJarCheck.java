import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipFile;

/**
 * Fails the build when the operator's shaded jar carries classes that belong to the sandbox or the tests (the
 * build's dependency rule keeps them out; this checks the jar that ships), or BouncyCastle (about 7,500 classes;
 * only the test kit makes certificates, the operator reads its serving key with the JDK: PrivateKeyPem). Run by the
 * package phase: {@code java LeanJarCheck.java <jar>}.
 */
public final class LeanJarCheck {
  static final List<String> BANNED = List.of("io/vertx/", "io/fabric8/mockwebserver/",
      "io/fabric8/kubernetes/client/server/mock/", "dev/spaceone/testkit/", "dev/spaceone/operator/sandbox/",
      "com/networknt/", "org/bouncycastle/");

  public static void main(String[] args) throws IOException {
    Map<String, Integer> found = new TreeMap<>();
    int classes = 0;
    try (ZipFile jar = new ZipFile(args[0])) {
      for (var entries = jar.entries(); entries.hasMoreElements(); ) {
        String name = entries.nextElement().getName();
        if (!name.endsWith(".class")) {
          continue;
        }
        classes++;
        for (String prefix : BANNED) {
          if (name.startsWith(prefix)) {
            found.merge(prefix, 1, Integer::sum);
          }
        }
      }
    }
    if (!found.isEmpty()) {
      System.err.println("LeanJarCheck: " + args[0] + " carries classes it must not: " + found);
      System.exit(1);
    }
    System.out.println("LeanJarCheck: " + args[0] + ": " + classes + " classes, none of " + BANNED);
  }
}
