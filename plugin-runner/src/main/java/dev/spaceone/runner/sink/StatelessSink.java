package dev.spaceone.runner.sink;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.spaceone.contract.ErrorCodes;
import java.io.PrintStream;
import java.util.List;

/**
 * The sinks without memory: {@code none} drops records, {@code log} prints each as one JSON line on stdout. Neither
 * knows earlier runs, so every counted record is "created" (as in a first run into an empty SpaceONE) and nothing
 * is ever updated, deleted or disconnected.
 */
public final class StatelessSink implements ResourceSink {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
  private final PrintStream out;
  private long counted;

  private StatelessSink(PrintStream out) {
    this.out = out;
  }

  public static StatelessSink none() {
    return new StatelessSink(null);
  }

  /** One JSON object a line (the message in SpaceONE's MessageToDict shape), nothing else, on {@code out}. */
  public static StatelessSink log(PrintStream out) {
    return new StatelessSink(out);
  }

  @Override
  public void accept(CollectedRecord record) throws SinkException {
    if (out != null) {
      try {
        out.println(PRINTER.print(record.message()));
      } catch (InvalidProtocolBufferException e) {
        throw new SinkException(ErrorCodes.SINK_LOG, "cannot print " + record.resourceType() + " as JSON", e, true);
      }
    }
    if (record.counted()) {
      counted++;
    }
  }

  @Override
  public Counts finish(boolean collectionSucceeded) {
    return new Counts(counted, 0, 0, 0, List.of());
  }

  @Override
  public void close() {
    if (out != null) {
      out.flush();
    }
  }
}
