package dev.keepsake.runner.command;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ForgetOutputTest {
  @Test
  void keptAndRemovedAreCountedOverAllGroupsAndPruneTextIsIgnored() {
    String stdout =
        "[{\"tags\":null,\"host\":\"h1\",\"paths\":[\"/x\"],\"keep\":[{},{}],\"remove\":[{},{},{}],\"reasons\":[]},"
            + "{\"host\":\"h1\",\"paths\":[\"/y\"],\"keep\":[{}],\"remove\":null}]\n"
            + "loading indexes...\nfound 3 of 7 data blobs still in use, removing 4 blobs\n";

    assertThat(ForgetCommand.count(stdout)).containsExactly(3, 3);
  }
}
