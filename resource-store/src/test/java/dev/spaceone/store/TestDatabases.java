package dev.spaceone.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** One real PostgreSQL server for the whole test run (started once, stopped at exit); a fresh database per test. */
final class TestDatabases {
  private static LocalPostgres server;
  private static final AtomicInteger NEXT = new AtomicInteger();

  private TestDatabases() {
  }

  static synchronized LocalPostgres server() {
    if (server == null) {
      try {
        server = LocalPostgres.start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      LocalPostgres started = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (IOException ignored) {
          // the temp folder goes with the machine
        }
      }));
    }
    return server;
  }

  /** A new, empty database; settings for the superuser. */
  static StoreSettings fresh() {
    String name = "store_test_" + NEXT.incrementAndGet();
    sql("CREATE DATABASE " + name);
    return settings(name, LocalPostgres.USER, "");
  }

  static StoreSettings settings(String database, String user, String password) {
    Map<String, String> keys = new HashMap<>(server().settingsKeys());
    keys.put("database", database);
    keys.put("user", user);
    keys.put("password", password);
    try {
      return StoreSettings.fromMap(keys, null);
    } catch (StoreException e) {
      throw new IllegalStateException(e);
    }
  }

  static void sql(String statement) {
    sql(LocalPostgres.DATABASE, statement);
  }

  static void sql(String database, String statement) {
    try (Connection c = server().dataSource(database).getConnection(); Statement st = c.createStatement()) {
      st.execute(statement);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
