package dev.spaceone.testkit;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Container logs as a kubelet keeps them, for the mock API server's {@code pods/log} (the CRUD mock has none):
 * the kubelet stand-in writes a pod's log, the mock serves it.
 */
public final class PodLogs {
  /** {@code /api/v1/namespaces/NS/pods/NAME/log?...}. */
  static final Pattern PATH = Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/]+)/log(\\?.*)?$");
  private final Map<String, String> logs = new ConcurrentHashMap<>();

  public void put(Pod pod, String log) {
    logs.put(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(), log);
  }

  /** The log a {@code pods/log} path asks for, or null when the path is not one or the pod has none. */
  String forPath(String path) {
    Matcher matcher = PATH.matcher(path);
    return matcher.matches() ? logs.get(matcher.group(1) + "/" + matcher.group(2)) : null;
  }

  static boolean isLogPath(String path) {
    return PATH.matcher(path).matches();
  }
}
