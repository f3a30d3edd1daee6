package dev.spaceone.operator.api.v1alpha1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spaceone.contract.ResultCount;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultCountsTest {
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
      status.set(counts[i], 100 + i);
    }
    JsonNode json = Serialization.jsonMapper().valueToTree(status);
    for (int i = 0; i < counts.length; i++) {
      assertEquals(100 + i, json.path(counts[i].statusField()).asLong(), counts[i].name());
      assertEquals(100 + i, status.get(counts[i]), counts[i].name());
    }
    assertEquals(0L, ResultCounts.get(null, ResultCount.CREATED), "a missing status counts nothing");
  }

  @Test
  void addingSumsEveryCount() {
    JobStatus sum = new JobStatus();
    JobTaskStatus task = new JobTaskStatus();
    for (ResultCount count : ResultCount.values()) {
      sum.set(count, 1);
      task.set(count, count.ordinal() + 1);
    }
    sum.addCounts(task);
    for (ResultCount count : ResultCount.values()) {
      assertEquals(count.ordinal() + 2, sum.get(count), count.name());
    }
  }
}
