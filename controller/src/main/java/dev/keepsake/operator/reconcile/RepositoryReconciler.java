package dev.keepsake.operator.reconcile;

import dev.keepsake.api.ApiKind;
import dev.keepsake.api.BackupSession;
import dev.keepsake.api.Repository;
import dev.keepsake.api.RepositoryCheck;
import dev.keepsake.api.RepositoryStatus;
import dev.keepsake.desired.Labels;
import dev.keepsake.desired.Names;
import dev.keepsake.desired.OperatorSettings;
import dev.keepsake.desired.RepositoryJobs;
import dev.keepsake.operator.desired.CronJobs;
import dev.keepsake.operator.kube.Cluster;
import dev.keepsake.operator.kube.KubeWrites;
import dev.keepsake.operator.kube.StatusWriter;
import dev.keepsake.operator.schedule.Schedule;
import dev.keepsake.operator.status.ActiveRunners;
import dev.keepsake.operator.status.CheckResults;
import dev.keepsake.operator.status.Conditions;
import dev.keepsake.operator.status.Readiness;
import dev.keepsake.operator.status.RepositoryStatuses;
import dev.keepsake.operator.status.SessionPhases;
import dev.keepsake.operator.status.WipeOut;
import dev.keepsake.resolve.ResolutionException;
import io.kubernetes.client.extended.controller.reconciler.Reconciler;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Job;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.logging.Logger;

/**
 * Repository → its status, from its Secret's presence and the sessions that back up into it; and,
 * with wipeOut, the finalizer and the Job that deletes its data when the Repository is deleted.
 */
public final class RepositoryReconciler implements Reconciler {
  private static final Logger LOG = Logger.getLogger(RepositoryReconciler.class.getName());
  static final String CHECK_SCHEDULED = "CheckScheduled";

  /** A refused wipe Job is tried again this often: a quota may have room by then. */
  private static final java.time.Duration WIPE_RETRY = java.time.Duration.ofMinutes(1);

  /**
   * How often a found Secret is read again. A Repository is reconciled on every event of its Jobs
   * and sessions; it reads its Secret only when it was last found longer ago than this.
   */
  static final java.time.Duration SECRET_RECHECK = java.time.Duration.ofMinutes(10);

  private final Cluster cluster;
  private final KubeWrites writes;
  private final OperatorSettings settings;
  private final RepositoryRequests requests;

  public RepositoryReconciler(Cluster cluster, KubeWrites writes, OperatorSettings settings) {
    this.cluster = cluster;
    this.writes = writes;
    this.settings = settings;
    this.requests = new RepositoryRequests(cluster, writes, settings);
  }

  @Override
  public Result reconcile(Request request) {
    Repository repository = cluster.repository(request.getNamespace(), request.getName());
    if (repository == null) {
      return Results.done();
    }
    try {
      String jobName = Names.wipeJob(repository.getMetadata().getName());
      V1Job wipeJob = cluster.job(request.getNamespace(), jobName);
      WipeOut.Step step = WipeOut.next(repository, wipeJob);
      String wipeRefused = null;
      switch (step) {
        case ADD_FINALIZER -> {
          return writes
                  .metadata()
                  .setFinalizer(ApiKind.REPOSITORY, repository, WipeOut.FINALIZER, true)
              ? Results.done()
              : Results.conflict();
        }
        case REMOVE_FINALIZER -> {
          if (repository.getMetadata().getDeletionTimestamp() != null && wipeJob != null) {
            writes
                .events()
                .record(
                    repository,
                    false,
                    "WipedOut",
                    "Job " + jobName + " deleted the repository's data");
          }
          return writes
                  .metadata()
                  .setFinalizer(ApiKind.REPOSITORY, repository, WipeOut.FINALIZER, false)
              ? Results.done()
              : Results.conflict();
        }
        case CREATE_JOB -> {
          WipeStart started = startWipe(request, repository, jobName);
          if (started.ended() != null) {
            return started.ended();
          }
          wipeRefused = started.refusal();
        }
        default -> {}
      }
      boolean secretExists =
          writes
              .secrets()
              .exists(
                  request.getNamespace(),
                  repository.getSpec().getSecret().getName(),
                  SECRET_RECHECK);
      RepositoryStatus status =
          RepositoryStatuses.from(
              repository,
              RepositoryStatuses.SecretLookup.of(writes.secrets().readable(), secretExists),
              sessionsInto(repository),
              OffsetDateTime.now());
      status = refusedByPolicy(repository, status);
      status = scheduleChecks(repository, status);
      status = lastCheck(repository, status);
      status = requests.apply(repository, status);
      if (wipeRefused != null) {
        status =
            RepositoryStatuses.wipeRefused(
                status, repository, jobName, wipeRefused, OffsetDateTime.now());
        if (!alreadySaid(repository, RepositoryStatuses.WIPE_JOB_REFUSED)) {
          writes
              .events()
              .record(
                  repository,
                  true,
                  RepositoryStatuses.WIPE_JOB_REFUSED,
                  "the API server refused Job "
                      + jobName
                      + " or the account it runs as: "
                      + wipeRefused);
        }
      } else if (step == WipeOut.Step.CREATE_JOB
          || step == WipeOut.Step.WAIT_FOR_JOB
          || step == WipeOut.Step.JOB_FAILED) {
        String failure =
            step == WipeOut.Step.JOB_FAILED ? failureOf(request.getNamespace(), jobName) : null;
        status =
            RepositoryStatuses.wipingOut(
                status, repository, step, jobName, failure, OffsetDateTime.now());
        if (step == WipeOut.Step.JOB_FAILED && !alreadySaid(repository, "WipeOutFailed")) {
          writes
              .events()
              .record(
                  repository,
                  true,
                  "WipeOutFailed",
                  "Job " + jobName + " could not wipe the repository: " + failure);
        }
      }
      if (writes.statuses().writeIfChanged(ApiKind.REPOSITORY, repository, status)
          == StatusWriter.Outcome.CONFLICT) {
        return Results.conflict();
      }
      if (wipeRefused != null) {
        return Results.after(WIPE_RETRY);
      }
      if (RepositoryRequests.running(status)) {
        return Results.after(RepositoryRequests.RUNNING_RECHECK);
      }
      if (!secretExists) {
        return Results.after(Readiness.MISSING_INPUT_RECHECK);
      }
      return writes.secrets().readable() ? Results.after(secretRecheck()) : Results.done();
    } catch (ApiException e) {
      return Results.failed("Repository " + request, e);
    } catch (RuntimeException e) {
      return broken(repository, e);
    }
  }

  /**
   * When a found Secret is looked for again: no event tells of its deletion (Secrets are not
   * watched), and a Repository that says Ready makes its configurations say so too. Spread out so
   * that Repositories reconciled together do not all read at once.
   */
  private static java.time.Duration secretRecheck() {
    return SECRET_RECHECK.plusSeconds(
        java.util.concurrent.ThreadLocalRandom.current().nextLong(SECRET_RECHECK.toSeconds() / 10));
  }

  /** What the operator cannot work with in a Repository still ends in its status and an Event. */
  private Result broken(Repository repository, RuntimeException e) {
    String name =
        repository.getMetadata().getNamespace() + "/" + repository.getMetadata().getName();
    LOG.log(java.util.logging.Level.WARNING, "Repository " + name + " could not be reconciled", e);
    String message = "the operator could not process this Repository: " + Refusals.describe(e);
    Long generation = repository.getMetadata().getGeneration();
    // The rest of the status stays: lastOperation keeps a one-off request from running twice.
    RepositoryStatus status =
        RepositoryStatuses.copy(repository.getStatus())
            .observedGeneration(generation)
            .conditions(
                Conditions.set(
                    repository.getStatus() == null ? null : repository.getStatus().getConditions(),
                    Conditions.READY,
                    false,
                    "InvalidSpec",
                    message,
                    generation,
                    OffsetDateTime.now()));
    try {
      if (!alreadySaid(repository, Conditions.READY, "InvalidSpec")) {
        writes.events().record(repository, true, "InvalidSpec", message);
      }
      return writes.statuses().writeIfChanged(ApiKind.REPOSITORY, repository, status)
              == StatusWriter.Outcome.CONFLICT
          ? Results.conflict()
          : Results.after(Readiness.MISSING_INPUT_RECHECK);
    } catch (ApiException write) {
      return Results.failed("Repository " + name, write);
    }
  }

  /**
   * How creating the wipe Job went: the reconcile ended (the Repository let go), the API server
   * refused the Job for what it is (a quota, an admission policy: said in the status, tried again),
   * or neither (created).
   */
  private record WipeStart(Result ended, String refusal) {
    static final WipeStart CREATED = new WipeStart(null, null);
  }

  /**
   * Creates the Job that wipes a deleted Repository's data; or, where no Job may run or can be
   * made, lets the Repository go with its data in place.
   */
  private WipeStart startWipe(Request request, Repository repository, String jobName)
      throws ApiException {
    V1Job wipe;
    try {
      wipe =
          RepositoryJobs.wipe(
              repository,
              settings,
              ActiveRunners.at(
                  Instant.now(), cluster.jobsUsing(repository), request.getNamespace(), jobName));
    } catch (ResolutionException refused) {
      // No Job may touch this repository: its data stays where it is, and the delete goes on.
      writes
          .events()
          .record(
              repository,
              true,
              "WipeOutRefused",
              refused.getMessage() + "; the repository's data is left in place");
      return new WipeStart(letGo(repository), null);
    }
    try {
      requests.createJob(wipe);
    } catch (ApiException e) {
      if (!Refusals.namespaceTerminating(e)) {
        return new WipeStart(null, Refusals.of(e).orElseThrow(() -> e));
      }
      // The namespace is being deleted: nothing can be created in it, and the Secret the wipe
      // needs goes with it. Holding the finalizer would hold the namespace in Terminating for good;
      // an Event there would be refused too, so the log is where this is said.
      LOG.warning(
          "Repository "
              + request.getNamespace()
              + "/"
              + request.getName()
              + " is not wiped: its namespace is being deleted, so no Job can run there (a wipe"
              + " Job already running went with the namespace); what is left of the data stays at "
              + RepositoryStatuses.backend(repository));
      return new WipeStart(letGo(repository), null);
    }
    writes
        .events()
        .record(
            repository,
            false,
            "WipingOut",
            "created Job " + jobName + " to delete the repository's data");
    return WipeStart.CREATED;
  }

  private Result letGo(Repository repository) throws ApiException {
    return writes.metadata().setFinalizer(ApiKind.REPOSITORY, repository, WipeOut.FINALIZER, false)
        ? Results.done()
        : Results.conflict();
  }

  /**
   * A Repository the installation's jobPolicy refuses is not Ready, and says why once in an Event.
   */
  private RepositoryStatus refusedByPolicy(Repository repository, RepositoryStatus status) {
    try {
      settings.jobPolicy().checkRepository(repository);
      return status;
    } catch (ResolutionException refused) {
      if (!alreadySaid(repository, Conditions.READY, refused.reason())) {
        writes.events().record(repository, true, refused.reason(), refused.getMessage());
      }
      return status.conditions(
          Conditions.set(
              status.getConditions(),
              Conditions.READY,
              false,
              refused.reason(),
              refused.getMessage(),
              repository.getMetadata().getGeneration(),
              OffsetDateTime.now()));
    }
  }

  /**
   * The check CronJob as spec.check asks, or none; a schedule that cannot be used is a condition
   * and an Event.
   */
  private RepositoryStatus scheduleChecks(Repository repository, RepositoryStatus status)
      throws ApiException {
    String namespace = repository.getMetadata().getNamespace();
    String cronJobName = Names.checkCronJob(repository.getMetadata().getName());
    RepositoryCheck check = repository.getSpec().getCheck();
    Long generation = repository.getMetadata().getGeneration();
    if (check == null || repository.getMetadata().getDeletionTimestamp() != null) {
      if (cluster.cronJob(namespace, cronJobName) != null) {
        writes.apply().deleteCronJob(namespace, cronJobName);
      }
      return status.conditions(Conditions.remove(status.getConditions(), CHECK_SCHEDULED));
    }
    String refusal;
    Schedule.Parsed parsed = Schedule.parse(check.getSchedule(), check.getTimeZone());
    if (parsed instanceof Schedule.Invalid invalid) {
      refusal = "spec.check.schedule: " + invalid.message();
    } else {
      try {
        writes
            .identities()
            .ensureShared(namespace, cluster.namespaceUid(namespace), settings.jobServiceAccount());
        writes
            .apply()
            .cronJob(
                CronJobs.forRepositoryCheck(repository, settings),
                cluster.cronJob(namespace, cronJobName));
        String when = ((Schedule.Valid) parsed).schedule().describe();
        return status.conditions(
            Conditions.set(
                status.getConditions(),
                CHECK_SCHEDULED,
                true,
                "CheckScheduled",
                "CronJob "
                    + cronJobName
                    + " runs restic check "
                    + when
                    + (check.getReadDataSubset() == null
                        ? ""
                        : ", reading data subset " + check.getReadDataSubset()),
                generation,
                OffsetDateTime.now()));
      } catch (ApiException e) {
        refusal =
            "the API server refused CronJob "
                + cronJobName
                + ": "
                + Refusals.of(e).orElseThrow(() -> e);
      } catch (ResolutionException e) {
        refusal = "no check can run: " + e.getMessage();
      }
    }
    if (cluster.cronJob(namespace, cronJobName) != null) {
      refusal +=
          "; CronJob "
              + cronJobName
              + " keeps running on its previous schedule until this is fixed or spec.check removed";
    }
    if (!alreadySaid(repository, CHECK_SCHEDULED, "InvalidCheckSchedule")) {
      writes.events().record(repository, true, "InvalidCheckSchedule", refusal);
    }
    return status.conditions(
        Conditions.set(
            status.getConditions(),
            CHECK_SCHEDULED,
            false,
            "InvalidCheckSchedule",
            refusal,
            generation,
            OffsetDateTime.now()));
  }

  /**
   * The newest scheduled check Job's result into the status, once, with an Event. A check asked for
   * once (kubectl keepsake check) is told in lastOperation instead.
   */
  private RepositoryStatus lastCheck(Repository repository, RepositoryStatus status)
      throws ApiException {
    String namespace = repository.getMetadata().getNamespace();
    String name = repository.getMetadata().getName();
    List<V1Job> checks =
        cluster.jobsLabelled(namespace, Labels.REPOSITORY, name).stream()
            .filter(
                job ->
                    RepositoryJobs.CHECK.equals(job.getMetadata().getLabels().get(Labels.OPERATION))
                        && !job.getMetadata().getLabels().containsKey(Labels.REQUEST))
            .toList();
    var ended = CheckResults.newest(checks);
    if (ended.isEmpty() || !CheckResults.isNew(ended.get(), status)) {
      return status;
    }
    SessionPhases.Termination termination =
        writes.pods().termination(namespace, ended.get().job().getMetadata().getName());
    RepositoryStatus recorded =
        CheckResults.record(
            status,
            ended.get(),
            termination == null ? null : termination.message(),
            repository.getMetadata().getGeneration());
    writes
        .events()
        .record(
            repository,
            !ended.get().passed(),
            ended.get().passed() ? "CheckPassed" : "CheckFailed",
            recorded.getLastCheckMessage());
    return recorded;
  }

  private String failureOf(String namespace, String jobName) throws ApiException {
    SessionPhases.Termination termination = writes.pods().termination(namespace, jobName);
    return termination == null ? "the Job failed without a message" : termination.message();
  }

  private static boolean alreadySaid(Repository repository, String reason) {
    return alreadySaid(repository, RepositoryStatuses.WIPED_OUT, reason);
  }

  private static boolean alreadySaid(Repository repository, String condition, String reason) {
    return repository.getStatus() != null
        && Conditions.find(repository.getStatus().getConditions(), condition)
            .map(c -> reason.equals(c.getReason()))
            .orElse(false);
  }

  private List<BackupSession> sessionsInto(Repository repository) {
    String namespace = repository.getMetadata().getNamespace();
    String name = repository.getMetadata().getName();
    return cluster.configurationsInto(namespace, name).stream()
        .flatMap(
            c ->
                cluster
                    .sessionsOf(c.getMetadata().getNamespace(), c.getMetadata().getName())
                    .stream())
        .toList();
  }
}
