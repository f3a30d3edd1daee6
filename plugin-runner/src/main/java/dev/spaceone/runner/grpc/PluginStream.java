package dev.spaceone.runner.grpc;

import io.grpc.Context;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import java.util.Iterator;

/** The messages of one server-streaming call; {@link #close()} cancels the call if it has not ended. */
public final class PluginStream<R> implements AutoCloseable {
  private final PluginConnection connection;
  private final MethodDescriptor<?, R> method;
  private final Iterator<R> iterator;
  private final Context.CancellableContext context;

  PluginStream(PluginConnection connection, MethodDescriptor<?, R> method, Iterator<R> iterator,
      Context.CancellableContext context) {
    this.connection = connection;
    this.method = method;
    this.iterator = iterator;
    this.context = context;
  }

  /** The next message, or null at the stream's normal end. */
  public R next() throws PluginCallException {
    try {
      return iterator.hasNext() ? iterator.next() : null;
    } catch (StatusRuntimeException e) {
      throw connection.failure(method, e);
    }
  }

  @Override
  public void close() {
    context.cancel(null);
  }
}
