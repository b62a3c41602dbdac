package dev.dipr1.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dipr1.demo.study.StudyArm;
import dev.dipr1.demo.study.StudyReport;
import dev.dipr1.demo.study.StudyRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a study lays out, resumes and repeats its runs; every run here already has its report.json. */
class StudyRunTest {

    static final ObjectMapper JSON = new ObjectMapper();

    /** What a finished demo run leaves: a report.json with SFT, RL and SFT continued evaluated. */
    static void finishedRun(Path runDir, double sft, double rl, double sftMore) throws Exception {
        ObjectNode r = JSON.createObjectNode();
        r.set("sft", StudyTest.eval(sft, sft / 2));
        r.set("rl", StudyTest.eval(rl, rl / 2));
        r.set("sft_more", StudyTest.eval(sftMore, sftMore / 2));
        Files.createDirectories(runDir);
        Files.write(runDir.resolve("report.json"), JSON.writeValueAsBytes(r));
    }

    record Planned(long seed, StudyArm arm, Path dir, boolean sftMore) {}

    /** A planner that records what it was asked to run and stops the study there. */
    static final class Recorder implements StudyRun.Planner {
        final List<Planned> planned = new ArrayList<>();

        @Override
        public DemoPlan plan(long seed, StudyArm arm, Path dir, boolean sftMore) {
            planned.add(new Planned(seed, arm, dir, sftMore));
            throw new IllegalStateException("not run in this test");
        }
    }

    @Test
    void withRepeatsEachRlArmRunsAgainFromTheSameStartAndASeedsValueIsTheMeanOfItsRuns(@TempDir Path dir)
            throws Exception {
        for (long seed : List.of(1L, 2L)) {
            finishedRun(dir.resolve("seed" + seed).resolve("no_look"), 0.60, 0.62 + seed / 100.0, 0.63);
            finishedRun(dir.resolve("seed" + seed).resolve("no_look-run2"), 0.60, 0.64 + seed / 100.0, 0.99);
        }
        Recorder planner = new Recorder();
        List<StudyArm> arms = List.of(StudyArm.SFT, StudyArm.SFT_MORE, StudyArm.NO_LOOK);

        StudyReport report =
                new StudyRun(List.of(1L, 2L), arms, 2, dir, JSON.createObjectNode(), planner, null, null).call();

        assertEquals(List.of(), planner.planned, "every run had its report.json: nothing reran");
        List<Double> rl = report.values(StudyArm.NO_LOOK, "in_domain", "f1");
        assertEquals(0.64, rl.get(0), 1e-12, "seed 1: the mean of 0.63 and 0.65");
        assertEquals(0.65, rl.get(1), 1e-12);
        assertEquals(
                List.of(0.63, 0.63),
                report.values(StudyArm.SFT_MORE, "in_domain", "f1"),
                "SFT continued is trained and read once per seed, with the first run");
        JsonNode study = JSON.readTree(dir.resolve("study.json").toFile());
        assertEquals(
                0.02 / Math.sqrt(2),
                study.path("run_to_run")
                        .path("no_look")
                        .path("in_domain")
                        .path("f1")
                        .path("sd")
                        .asDouble(),
                1e-12);
        assertTrue(
                Files.readString(dir.resolve("study.md")).contains("| no_look | in-domain | 1: 0.630, 0.650; 2: "),
                "the report shows each run");
    }

    @Test
    void aStudyResumesAtItsFirstMissingRunAndOnlyTheFirstRunTrainsSftContinued(@TempDir Path dir) throws Exception {
        finishedRun(dir.resolve("seed1").resolve("no_look"), 0.60, 0.62, 0.63);
        Recorder planner = new Recorder();
        StudyRun study = new StudyRun(
                List.of(1L),
                List.of(StudyArm.SFT_MORE, StudyArm.NO_LOOK),
                3,
                dir,
                JSON.createObjectNode(),
                planner,
                null,
                null);

        assertThrows(IllegalStateException.class, study::call);

        assertEquals(
                List.of(new Planned(1, StudyArm.NO_LOOK, dir.resolve("seed1").resolve("no_look-run2"), false)),
                planner.planned);
    }

    @Test
    void noRunsIsABadOptionThatSaysWhatToGive(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new StudyRun(
                        List.of(1L), List.of(StudyArm.NO_LOOK), 0, dir, JSON.createObjectNode(), null, null, null));
        assertTrue(e.getMessage().contains("--repeats 0") && e.getMessage().contains("1 or more"), e.getMessage());
    }
}
