package dev.spaceone.operator.query;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.Closeable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current {@link AuthenticationConfig}, kept in step with the ConfigMap by an informer (so a
 * rotated front-proxy or client CA applies without a restart). Until the ConfigMap is seen, and
 * after it is deleted, nobody is trusted. A malformed update keeps the previous config.
 */
public final class AuthenticationConfigSource implements Supplier<AuthenticationConfig>, Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(AuthenticationConfigSource.class);

  private final AtomicReference<AuthenticationConfig> current = new AtomicReference<>(AuthenticationConfig.NONE);
  private final SharedIndexInformer<ConfigMap> informer;

  public AuthenticationConfigSource(KubernetesClient client, String namespace, String name) {
    this.informer = client.configMaps().inNamespace(namespace).withName(name).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(ConfigMap obj) {
        update(obj);
      }

      @Override
      public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
        update(newObj);
      }

      @Override
      public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {
        LOG.warn("{}/{} deleted: no client is trusted until it is back", namespace, name);
        current.set(AuthenticationConfig.NONE);
      }
    }, 0);
  }

  private void update(ConfigMap configMap) {
    try {
      current.set(AuthenticationConfig.fromConfigMap(configMap));
      LOG.info("authentication config loaded from {}/{}", configMap.getMetadata().getNamespace(),
          configMap.getMetadata().getName());
    } catch (RuntimeException e) {
      LOG.error("ignoring malformed {}: {}", configMap.getMetadata().getName(), e.getMessage());
    }
  }

  @Override
  public AuthenticationConfig get() {
    return current.get();
  }

  public boolean isSynced() {
    return informer.hasSynced();
  }

  @Override
  public void close() {
    informer.close();
  }
}
