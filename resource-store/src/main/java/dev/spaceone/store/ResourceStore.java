package dev.spaceone.store;

import dev.spaceone.contract.ErrorCodes;
import java.sql.Connection;
import java.sql.SQLException;
import javax.net.ssl.SSLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL resource store. {@link #open} connects and creates or migrates the schema (Flyway,
 * versioned migrations in {@code db/store}; concurrent task pods serialize on Flyway's lock), then hands out one
 * {@link TaskWriter} per task. Errors become {@link StoreException}s with a code; none carries the password.
 */
public final class ResourceStore {
  static final String SCHEMA_HISTORY_TABLE = "spaceone_store_schema_history";

  private final PGSimpleDataSource dataSource;

  private ResourceStore(PGSimpleDataSource dataSource) {
    this.dataSource = dataSource;
  }

  public static ResourceStore open(StoreSettings settings) throws StoreException {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(settings.jdbcUrl());
    settings.connectionProperties().forEach((k, v) -> {
      try {
        ds.setProperty((String) k, (String) v);
      } catch (SQLException e) {
        throw new IllegalArgumentException("pgjdbc does not know the property " + k, e);
      }
    });
    ResourceStore store = new ResourceStore(ds);
    // Reached, logged in, TLS as asked: connection errors are told apart here, before Flyway wraps them.
    try (Connection ignored = store.connect()) {
      ignored.isValid(10);
    } catch (SQLException e) {
      throw connectionError(e, settings.host() + ":" + settings.port());
    }
    try {
      Flyway.configure()
          .dataSource(ds)
          .locations("classpath:db/store")
          .table(SCHEMA_HISTORY_TABLE)
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new StoreException(ErrorCodes.SINK_SCHEMA,
          "the store's schema cannot be created or migrated in " + settings.database() + ": " + e.getMessage(), e);
    }
    return store;
  }

  public TaskWriter openTask(TaskScope scope) throws StoreException {
    return new TaskWriter(connect(), scope);
  }

  Connection connect() throws StoreException {
    try {
      return dataSource.getConnection();
    } catch (SQLException e) {
      throw connectionError(e, dataSource.getServerNames()[0] + ":" + dataSource.getPortNumbers()[0]);
    }
  }

  static StoreException connectionError(SQLException e, String where) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String message = e.getMessage();
    if (state.startsWith("28")) {
      return new StoreException(ErrorCodes.SINK_AUTH, "PostgreSQL at " + where + " refused the login: " + message, e);
    }
    if (state.equals("3D000")) {
      return new StoreException(ErrorCodes.SINK_CONFIG, "PostgreSQL at " + where + ": " + message, e);
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      // pgjdbc reports a certificate that does not name the host (sslmode verify-full) as a plain connection
      // failure: "The hostname ... could not be verified by hostnameverifier ...".
      String text = t.getMessage() == null ? "" : t.getMessage();
      if (t instanceof SSLException || state.equals("08004") || text.contains("SSL")
          || text.contains("hostnameverifier")) {
        return new StoreException(ErrorCodes.SINK_TLS, "TLS to PostgreSQL at " + where + " failed: " + message, e);
      }
    }
    if (state.startsWith("08")) {
      return new StoreException(ErrorCodes.SINK_UNREACHABLE, "PostgreSQL at " + where + " cannot be reached: " + message, e);
    }
    return new StoreException(ErrorCodes.SINK_WRITE, "PostgreSQL at " + where + ": " + message, e);
  }
}
