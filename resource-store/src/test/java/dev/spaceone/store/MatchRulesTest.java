package dev.spaceone.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SpaceONE's rule_matcher semantics (spaceone-inventory lib/rule_matcher.py). */
class MatchRulesTest {
  private static JsonNode json(String text) throws Exception {
    return Resources.JSON.readTree(text.replace('\'', '"'));
  }

  private static MatchRules.Identity identify(String rules, String resource) throws Exception {
    return MatchRules.identify("d", "inventory.CloudService", json(rules), json(resource));
  }

  @Test
  void prioritiesInNumericOrderAndFalsyKeysLeftOut() throws Exception {
    MatchRules.Identity id = identify("{'10': ['name'], '2': ['data.vm.id', 'account', 'zone']}",
        "{'name': 'n', 'account': '', 'zone': null, 'data': {'vm': {'id': 'i-1'}}}");
    assertEquals(List.of("2", "10"), id.probes().stream().map(MatchRules.Probe::priority).toList());
    assertEquals(List.of("data.vm.id"), List.copyOf(id.primary().keys().keySet()));
    assertEquals("{\"priority\":\"2\",\"keys\":{\"data.vm.id\":\"i-1\"}}", id.describe().toString());
  }

  @Test
  void aPriorityWithoutValuesIsSkipped() throws Exception {
    MatchRules.Identity id = identify("{'1': ['reference.resource_id'], '2': ['name']}", "{'name': 'n'}");
    assertEquals(List.of("2"), id.probes().stream().map(MatchRules.Probe::priority).toList());
  }

  @Test
  void aPriorityThatAsksWhatAnEarlierOneAskedIsNoProbeOfItsOwn() throws Exception {
    // {"2": [name, zone]} without a zone asks what {"1": [name]} asked: one probe, so a stored resource never
    // carries its own first probe twice (the lookup counts every hit)
    MatchRules.Identity id = identify("{'1': ['name'], '2': ['name', 'zone'], '3': ['account']}",
        "{'name': 'n', 'account': 'a'}");
    assertEquals(List.of("1", "3"), id.probes().stream().map(MatchRules.Probe::priority).toList());
  }

  @Test
  void sameValuesSameProbeWhateverTheKeyOrderOrNumberForm() throws Exception {
    byte[] a = identify("{'1': ['a', 'b']}", "{'a': 1, 'b': 'x', 'c': 1}").primary().hash();
    byte[] b = identify("{'1': ['b', 'a']}", "{'a': 1.0, 'b': 'x', 'c': 2}").primary().hash();
    assertArrayEquals(a, b);
    byte[] other = identify("{'1': ['a', 'b']}", "{'a': 2, 'b': 'x'}").primary().hash();
    assertFalse(Arrays.equals(a, other));
    byte[] otherDomain = MatchRules.identify("e", "inventory.CloudService", json("{'1': ['a', 'b']}"),
        json("{'a': 1, 'b': 'x'}")).primary().hash();
    assertFalse(Arrays.equals(a, otherDomain));
    byte[] otherType = MatchRules.identify("d", "inventory.Region", json("{'1': ['a', 'b']}"),
        json("{'a': 1, 'b': 'x'}")).primary().hash();
    assertFalse(Arrays.equals(a, otherType));
  }

  @Test
  void unusableRules() throws Exception {
    assertEquals("Match rule is not defined.",
        assertThrows(MatchRules.Unusable.class, () -> identify("{}", "{'a': 1}")).getMessage());
    assertThrows(MatchRules.Unusable.class, () -> identify("{'1': ['a', 'b']}", "{'a': 0, 'b': false}"));
    assertThrows(MatchRules.Unusable.class, () -> identify("{'1': 'a'}", "{'a': 1}"));
    assertThrows(MatchRules.Unusable.class, () -> identify("{'1': [['a']]}", "{'a': 1}"));
  }

  @Test
  void dottedKeysGoThroughObjectsOnly() throws Exception {
    assertEquals(null, MatchRules.findData(json("{'a': [{'b': 1}]}"), "a.0.b"));
    assertEquals(1, MatchRules.findData(json("{'a': {'b': 1}}"), "a.b").intValue());
    assertFalse(MatchRules.truthy(json("{'x': {}}").get("x")));
    assertFalse(MatchRules.truthy(json("{'x': 0.0}").get("x")));
  }
}
