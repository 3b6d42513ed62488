package dev.keepsake.runner;

import dev.keepsake.runner.command.Commands;

/** Entry point of the `keepsake` runner. */
public final class Keepsake {
  private Keepsake() {}

  public static void main(String[] args) {
    System.exit(Commands.line(args).execute(args));
  }
}
