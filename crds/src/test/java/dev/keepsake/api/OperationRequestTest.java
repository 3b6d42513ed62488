package dev.keepsake.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OperationRequestTest {
  private static OperationRequest read(String annotation) {
    return OperationRequest.of(Map.of(OperationRequest.ANNOTATION, annotation)).orElseThrow();
  }

  @Test
  void aCheckOrAnUnlockIsReadWithItsOptions() {
    OperationRequest check =
        read("{\"id\":\"1206-ab12\",\"operation\":\"check\",\"readDataSubset\":\"2.5%\"}");
    assertThat(check.getOperation()).isEqualTo("check");
    assertThat(check.getReadDataSubset()).isEqualTo("2.5%");
    assertThat(read("{\"id\":\"x\",\"operation\":\"unlock\",\"removeAll\":true}").getRemoveAll())
        .isTrue();
    assertThat(OperationRequest.of(Map.of("other", "x"))).isEmpty();
    assertThat(OperationRequest.of(null)).isEmpty();
  }

  @Test
  void whatAHandWrittenAnnotationGetsWrongIsNamedWithTheValue() {
    assertThatThrownBy(() -> read("check please"))
        .isInstanceOf(OperationRequest.Invalid.class)
        .hasMessage(
            "annotation keepsake.dev/request is not a JSON object like {\"id\":\"x1\",\"operation\":\"check\"}: check please");
    assertThatThrownBy(() -> read("{\"id\":\"Not An Id\",\"operation\":\"check\"}"))
        .hasMessageContaining("id \"Not An Id\" must be 1 to 20 lower-case letters");
    assertThatThrownBy(() -> read("{\"operation\":\"check\"}"))
        .hasMessageContaining("id (none) must be");
    assertThatThrownBy(() -> read("{\"id\":\"a1\",\"operation\":\"forget\"}"))
        .hasMessage(
            "annotation keepsake.dev/request: operation \"forget\" is not one of check, unlock")
        .satisfies(e -> assertThat(((OperationRequest.Invalid) e).id()).isEqualTo("a1"));
    assertThatThrownBy(
            () ->
                read(
                    "{\"id\":\"a1\",\"operation\":\"check\",\"readDataSubset\":\"10%; rm -rf /\"}"))
        .hasMessageContaining(
            "readDataSubset \"10%; rm -rf /\" is not a percentage up to 100% (10%), a part n/m with n <= m"
                + " (1/5) or a size (500M)");
    for (String outOfRange : new String[] {"150%", "0%", "0/5", "6/5", "0M"}) {
      assertThatThrownBy(
              () ->
                  read(
                      "{\"id\":\"a1\",\"operation\":\"check\",\"readDataSubset\":\""
                          + outOfRange
                          + "\"}"))
          .as(outOfRange)
          .hasMessageContaining("readDataSubset \"" + outOfRange + "\" is not");
    }
    for (String fine : new String[] {"100%", "0.5%", "5/5", "1/3", "500M", "2G"}) {
      assertThat(
              read("{\"id\":\"a1\",\"operation\":\"check\",\"readDataSubset\":\"" + fine + "\"}")
                  .getReadDataSubset())
          .isEqualTo(fine);
    }
    assertThatThrownBy(
            () -> read("{\"id\":\"a1\",\"operation\":\"unlock\",\"readDataSubset\":\"10%\"}"))
        .hasMessageContaining("is for check only");
    assertThatThrownBy(() -> read("{\"id\":\"a1\",\"operation\":\"check\",\"removeAll\":true}"))
        .hasMessageContaining("removeAll is for unlock only");
  }
}
