package dev.dipr1.launcher;

import dev.dipr1.rewardstream.Replay;
import dev.dipr1.rewardstream.RewardStreamSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Re-scores an old rollouts topic with another reward config. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = "Re-score a whole rollouts topic (or a time range of it) into a new advantages topic "
                + "with its own reward settings; exits when it has caught up.")
final class ReplayCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    RewardOptions rewards;

    @Option(names = "--from", required = true, paramLabel = "TOPIC", description = "The rollouts topic to re-score.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "TOPIC", description = "The new advantages topic.")
    String to;

    @Option(
            names = "--from-time",
            paramLabel = "ISO-8601",
            description = "Only rollouts written at or after this instant.")
    Instant fromTime;

    @Option(names = "--until-time", paramLabel = "ISO-8601", description = "Only rollouts written before this instant.")
    Instant untilTime;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "3600",
            description = "Give up if not caught up after this long (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        TopicsCommand.requireBootstrap(kafka);
        RewardStreamSettings settings = RewardStreamSettings.defaults(rewards.config())
                .withTimeRange(
                        fromTime == null ? 0L : fromTime.toEpochMilli(),
                        untilTime == null ? Long.MAX_VALUE : untilTime.toEpochMilli());
        Replay.Result r =
                Replay.run(kafka.settings(), kafka.catalog(), from, to, settings, Duration.ofSeconds(timeoutSeconds));
        System.out.printf(
                "replayed %s -> %s: %d rollout records, %d groups scored, %d dead-lettered in %.1f s "
                        + "(reward config %s)%n",
                from,
                to,
                r.rolloutsAtStart(),
                r.groupsScored(),
                r.deadLettered(),
                r.seconds(),
                settings.rewards().stableHash().substring(0, 12));
        return 0;
    }
}
