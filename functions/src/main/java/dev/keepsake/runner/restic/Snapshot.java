package dev.keepsake.runner.restic;

import java.util.List;

/** A snapshot as `restic snapshots --json` lists it. */
public record Snapshot(String id, String shortId, String time, String hostname, List<String> tags, List<String> paths) {}
