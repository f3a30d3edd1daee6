package dev.spaceone.operator.api.v1alpha1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultCountTest {
  @Test
  void everyCountFieldOfTheStatusIsOneResultCountAndTheOtherWayRound() {
    List<String> fields = Arrays.stream(ResultCounts.class.getDeclaredFields())
        .filter(f -> !Modifier.isStatic(f.getModifiers())).map(Field::getName).toList();
    assertEquals(fields, Arrays.stream(ResultCount.values()).map(ResultCount::statusField).toList());
  }

  @Test
  void eachCountReadsAndWritesItsOwnStatusField() {
    JobTaskStatus status = new JobTaskStatus();
    ResultCount[] counts = ResultCount.values();
    for (int i = 0; i < counts.length; i++) {
      counts[i].set(status, 100 + i);
    }
    JsonNode json = Serialization.jsonMapper().valueToTree(status);
    for (int i = 0; i < counts.length; i++) {
      assertEquals(100 + i, json.path(counts[i].statusField()).asLong(), counts[i].name());
      assertEquals(100 + i, counts[i].get(status), counts[i].name());
    }
    assertEquals(0L, ResultCount.CREATED.get(null), "a missing status counts nothing");
  }

  @Test
  void keysAreTheContractsSnakeCaseNames() {
    assertEquals(List.of("created_count", "updated_count", "deleted_count", "disconnected_count", "failure_count",
        "success_count", "total_count"), Arrays.stream(ResultCount.values()).map(ResultCount::resultKey).toList());
  }

  @Test
  void addingSumsEveryCount() {
    JobStatus sum = new JobStatus();
    JobTaskStatus task = new JobTaskStatus();
    for (ResultCount count : ResultCount.values()) {
      count.set(sum, 1);
      count.set(task, count.ordinal() + 1);
    }
    sum.addCounts(task);
    for (ResultCount count : ResultCount.values()) {
      assertEquals(count.ordinal() + 2, count.get(sum), count.name());
    }
  }
}
