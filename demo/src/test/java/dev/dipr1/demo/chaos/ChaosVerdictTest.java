package dev.dipr1.demo.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.demo.chaos.ChaosVerdict.AppliedStep;
import dev.dipr1.demo.chaos.ChaosVerdict.Check;
import dev.dipr1.demo.chaos.ChaosVerdict.Coord;
import dev.dipr1.demo.chaos.ChaosVerdict.DeadLetter;
import dev.dipr1.demo.chaos.ChaosVerdict.Injected;
import dev.dipr1.demo.chaos.ChaosVerdict.Input;
import dev.dipr1.demo.chaos.ChaosVerdict.PolicyRecord;
import dev.dipr1.demo.chaos.ChaosVerdict.Rollout;
import dev.dipr1.demo.chaos.ChaosVerdict.Scored;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChaosVerdictTest {

    private static Coord prompt(long o) {
        return new Coord("p", 0, o);
    }

    private static Coord rollout(long o) {
        return new Coord("r", 1, o);
    }

    /** Three prompts, a group each (prompt 1 twice, as a killed generator redoes it), each scored once; clean. */
    private static Input clean() {
        List<Rollout> rollouts = List.of(
                new Rollout(rollout(0), "a/e0", prompt(0)),
                new Rollout(rollout(1), "b/e0", prompt(1)),
                new Rollout(rollout(2), "b/e0", prompt(1)),
                new Rollout(rollout(3), "c/e0", prompt(2)),
                new Rollout(rollout(4), null, null)); // injected junk
        List<Scored> scored = List.of(
                new Scored(new Coord("a", 0, 0), "a/e0", rollout(0)),
                new Scored(new Coord("a", 0, 1), "b/e0", rollout(1)),
                new Scored(new Coord("a", 0, 2), "b/e0", rollout(2)),
                new Scored(new Coord("a", 0, 3), "c/e0", rollout(3)));
        List<DeadLetter> dead = List.of(
                new DeadLetter(rollout(4), "reward", "undecodable"),
                new DeadLetter(new Coord("pol", 0, 2), "generator", "version jump"));
        return new Input(
                List.of(prompt(0), prompt(1), prompt(2)),
                rollouts,
                scored,
                dead,
                List.of(new AppliedStep(1, List.of("a/e0", "b/e0")), new AppliedStep(2, List.of("c/e0"))),
                List.of(
                        new PolicyRecord(new Coord("pol", 0, 0), 1, "h1"),
                        new PolicyRecord(new Coord("pol", 0, 1), 1, "h1"),
                        new PolicyRecord(new Coord("pol", 0, 2), 99, "bad")),
                List.of(new Injected("junk", rollout(4)), new Injected("v max", new Coord("pol", 0, 2))));
    }

    private static Input with(
            Input in,
            List<Coord> fed,
            List<Rollout> rollouts,
            List<Scored> scored,
            List<DeadLetter> dead,
            List<AppliedStep> steps,
            List<PolicyRecord> policy) {
        return new Input(
                fed == null ? in.fedPrompts() : fed,
                rollouts == null ? in.rollouts() : rollouts,
                scored == null ? in.scored() : scored,
                dead == null ? in.deadLetters() : dead,
                steps == null ? in.applied() : steps,
                policy == null ? in.policy() : policy,
                in.injected());
    }

    @Test
    void aCleanRunPassesEveryCheckAndCountsTheRedonePrompt() {
        List<Check> checks = ChaosVerdict.checks(clean(), steady(), List.of());
        checks.forEach(c -> assertTrue(c.passed(), c.toString()));
        assertEquals(1L, checks.get(0).numbers().get("with_more_than_one_group"));
        assertEquals(0, ChaosVerdict.recordsLost(checks));
    }

    @Test
    void aPromptWithNeitherGroupNorDeadLetterIsLostAndAPromptDeadLetteredIsNot() {
        Input in = clean();
        List<Coord> fed = new ArrayList<>(in.fedPrompts());
        fed.add(prompt(3));
        fed.add(prompt(4));
        List<DeadLetter> dead = new ArrayList<>(in.deadLetters());
        dead.add(new DeadLetter(prompt(4), "generator", "bad image"));
        Check c = ChaosVerdict.promptsAccounted(with(in, fed, null, null, dead, null, null));
        assertFalse(c.passed());
        assertEquals(1, c.numbers().get("lost"));
        assertEquals(1L, c.numbers().get("dead_lettered"));
        assertEquals(List.of("p/0/3"), c.numbers().get("lost_examples"));
    }

    @Test
    void aRolloutWithoutOutcomeOrWithTwoOutcomesFails() {
        Input in = clean();
        Check missing =
                ChaosVerdict.rolloutsScoredOnce(with(in, null, null, in.scored().subList(0, 3), null, null, null));
        assertFalse(missing.passed());
        assertEquals(1, missing.numbers().get("lost"));
        List<DeadLetter> dead = new ArrayList<>(in.deadLetters());
        dead.add(new DeadLetter(rollout(0), "reward", "twice"));
        Check twice = ChaosVerdict.rolloutsScoredOnce(with(in, null, null, null, dead, null, null));
        assertFalse(twice.passed());
        assertEquals(1, twice.numbers().get("more_than_one_outcome"));
        assertEquals(0, twice.numbers().get("lost"));
    }

    @Test
    void anInjectedScoredGroupNamingARealRolloutIsNoSecondOutcome() {
        Input in = clean();
        Coord nanAt = new Coord("a", 0, 9);
        List<Scored> scored = new ArrayList<>(in.scored());
        scored.add(new Scored(nanAt, "nan/e0", rollout(0)));
        Input notInjected = with(in, null, null, scored, null, null, null);
        assertFalse(ChaosVerdict.rolloutsScoredOnce(notInjected).passed(), "a second outcome when not injected");
        List<Injected> injected = new ArrayList<>(in.injected());
        injected.add(new Injected("nan", nanAt));
        Input marked = new Input(
                in.fedPrompts(), in.rollouts(), scored, in.deadLetters(), in.applied(), in.policy(), injected);
        Check c = ChaosVerdict.rolloutsScoredOnce(marked);
        assertTrue(c.passed(), c.toString());
        assertEquals(4L, c.numbers().get("advantages"));
    }

    @Test
    void aGroupInTwoStepsOrAStepTwiceFails() {
        Input in = clean();
        List<AppliedStep> again =
                List.of(new AppliedStep(1, List.of("a/e0", "b/e0")), new AppliedStep(2, List.of("b/e0")));
        Check groups = ChaosVerdict.noGroupAppliedTwice(with(in, null, null, null, null, again, null));
        assertFalse(groups.passed());
        assertEquals(List.of("b/e0"), groups.numbers().get("examples"));
        List<AppliedStep> repeated = List.of(
                new AppliedStep(1, List.of("a/e0")),
                new AppliedStep(1, List.of("b/e0")),
                new AppliedStep(2, List.of()));
        assertFalse(ChaosVerdict.learnerStepsOnce(with(in, null, null, null, null, repeated, null))
                .passed());
        List<AppliedStep> gap = List.of(new AppliedStep(1, List.of("a/e0")), new AppliedStep(3, List.of("b/e0")));
        assertFalse(ChaosVerdict.learnerStepsOnce(with(in, null, null, null, null, gap, null))
                .passed());
    }

    @Test
    void twoWeightSetsUnderOneVersionFailWhileTheInjectedRecordIsIgnored() {
        Input in = clean();
        List<PolicyRecord> policy = new ArrayList<>(in.policy());
        policy.add(new PolicyRecord(new Coord("pol", 0, 3), 1, "h2"));
        Check c = ChaosVerdict.oneWeightSetPerVersion(with(in, null, null, null, null, null, policy));
        assertFalse(c.passed());
        assertEquals(1, c.numbers().get("versions_with_more_than_one_hash"));
        assertEquals(1, ChaosVerdict.oneWeightSetPerVersion(in).numbers().get("versions"), "v99 was injected");
    }

    @Test
    void anInjectedRecordWithoutDeadLetterFails() {
        Input in = clean();
        Check c = ChaosVerdict.badRecordsDeadLettered(with(in, null, null, null, List.of(), null, null));
        assertFalse(c.passed());
        assertEquals(0, c.numbers().get("dead_lettered"));
        assertEquals(2, ((List<?>) c.numbers().get("missing")).size());
    }

    /**
     * A start-up burst of 20 groups, then 30 groups a minute to the end of the 60 s warm-up, {@code duringPerMinute}
     * for the 120 s fault window after it.
     */
    private static List<Double> groups(double duringPerMinute) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            out.add(5.0);
        }
        for (double t = 6; t < 60; t += 2) {
            out.add(t);
        }
        for (double t = 60; t < 180; t += 60 / duringPerMinute) {
            out.add(t);
        }
        return out;
    }

    private static ChaosVerdict.Timeline steady() {
        return new ChaosVerdict.Timeline(groups(30), 60, 180, 175, 200);
    }

    @Test
    void throughputDuringFaultsBelowHalfOfBeforeFailsAndAboveHalfPasses() {
        Check slow = ChaosVerdict.throughputHeld(new ChaosVerdict.Timeline(groups(12), 60, 180, 175, 200));
        Check fine = ChaosVerdict.throughputHeld(new ChaosVerdict.Timeline(groups(16), 60, 180, 175, 200));

        assertFalse(slow.passed(), slow.toString());
        assertEquals(0.4, (double) slow.numbers().get("share"), 0.01);
        assertTrue(fine.passed(), fine.toString());
        assertEquals(30.0, (double) fine.numbers().get("groups_per_minute_before_faults"), 0.01);
        assertEquals(16.0, (double) fine.numbers().get("groups_per_minute_during_faults"), 0.01);
    }

    @Test
    void noGroupBeforeTheFaultsIsNoBaselineAndFails() {
        List<Double> late = groups(30).stream().filter(t -> t >= 60).toList();

        assertFalse(ChaosVerdict.throughputHeld(new ChaosVerdict.Timeline(late, 60, 180, 175, 200))
                .passed());
    }

    @Test
    void catchingUpMoreThanTwoMinutesAfterTheLastFaultOrNeverFails() {
        Check quick = ChaosVerdict.steadyAgain(new ChaosVerdict.Timeline(groups(30), 60, 180, 175, 295));
        Check slow = ChaosVerdict.steadyAgain(new ChaosVerdict.Timeline(groups(30), 60, 180, 175, 296));
        Check never = ChaosVerdict.steadyAgain(new ChaosVerdict.Timeline(groups(30), 60, 180, 175, Double.NaN));

        assertTrue(quick.passed(), quick.toString());
        assertEquals(120.0, (double) quick.numbers().get("seconds_after_last_fault"), 1e-9);
        assertFalse(slow.passed(), slow.toString());
        assertFalse(never.passed(), never.toString());
        assertEquals(false, never.numbers().get("caught_up"));
    }

    @Test
    void aServiceThatExitedOnItsOwnFailsTheRun() {
        Check none = ChaosVerdict.noUnplannedExits(List.of());
        Check one =
                ChaosVerdict.noUnplannedExits(List.of("generator-0 #1 exit 1 at 310 s: Commit cannot be completed"));

        assertTrue(none.passed());
        assertFalse(one.passed());
        assertEquals(1, one.numbers().get("unplanned_exits"));
    }
}
