package dev.dipr1.generator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.generator.GeneratorSettings;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EngineSettingsTest {

    private static String problem(
            EngineSettings.Kind kind,
            String endpoint,
            EngineSettings.WeightsUpdate update,
            int inFlight,
            long timeoutS,
            int retries) {
        return assertThrows(
                        IllegalArgumentException.class,
                        () -> new EngineSettings(
                                kind,
                                endpoint == null ? null : URI.create(endpoint),
                                "m",
                                update,
                                inFlight,
                                Duration.ofSeconds(timeoutS),
                                retries))
                .getMessage();
    }

    @Test
    void theDefaultIsTheInProcessEngine() {
        assertEquals(
                EngineSettings.Kind.DJL,
                GeneratorSettings.defaults("g").engine().kind());
        assertEquals(EngineSettings.djl(), GeneratorSettings.defaults("g").engine());
    }

    @Test
    void theServerEngineNeedsAnHttpRootUrl() {
        assertTrue(problem(EngineSettings.Kind.OPENAI, null, EngineSettings.WeightsUpdate.NONE, 8, 60, 3)
                .contains("--endpoint is required"));
        assertTrue(problem(EngineSettings.Kind.OPENAI, "ftp://h:1", EngineSettings.WeightsUpdate.NONE, 8, 60, 3)
                .contains("http or https"));
        assertTrue(problem(EngineSettings.Kind.OPENAI, "http://h:8000/v1", EngineSettings.WeightsUpdate.NONE, 8, 60, 3)
                .contains("leave out the /v1"));
        EngineSettings s = EngineSettings.openAi(URI.create("http://gpu-1:8000/"), EngineSettings.WeightsUpdate.DISK);
        assertEquals(URI.create("http://gpu-1:8000/v1/chat/completions"), s.resolve("/v1/chat/completions"));
    }

    @Test
    void thePolicysTokenizerIsTheDefaultAndTheServersIsForTheServerEngineOnly() {
        URI url = URI.create("http://h:1");
        EngineSettings openAi = EngineSettings.openAi(url, EngineSettings.WeightsUpdate.NONE);
        assertEquals(EngineSettings.TokenizerSource.POLICY, openAi.tokenizer());
        assertEquals(EngineSettings.TokenizerSource.POLICY, EngineSettings.djl().tokenizer());

        EngineSettings server = openAi.withTokenizer(EngineSettings.TokenizerSource.SERVER, 152064);
        assertEquals(152064, server.withModel("qwen").vocabSize());
        assertEquals(
                EngineSettings.TokenizerSource.SERVER,
                server.withRequests(2, Duration.ofSeconds(5), 1).tokenizer());

        String djl = assertThrows(
                        IllegalArgumentException.class,
                        () -> EngineSettings.djl().withTokenizer(EngineSettings.TokenizerSource.SERVER, 0))
                .getMessage();
        assertTrue(djl.contains("--tokenizer server is for --engine openai"), djl);
        String negative = assertThrows(
                        IllegalArgumentException.class,
                        () -> openAi.withTokenizer(EngineSettings.TokenizerSource.SERVER, -1))
                .getMessage();
        assertTrue(negative.contains("--vocab-size must not be negative"), negative);
        String policyVocab = assertThrows(
                        IllegalArgumentException.class,
                        () -> openAi.withTokenizer(EngineSettings.TokenizerSource.POLICY, 100))
                .getMessage();
        assertTrue(policyVocab.contains("--vocab-size is for --tokenizer server"), policyVocab);
        assertEquals(EngineSettings.TokenizerSource.SERVER, EngineSettings.TokenizerSource.parse("server"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EngineSettings.TokenizerSource.parse("hf"))
                .getMessage()
                .contains("--tokenizer must be policy or server"));
    }

    @Test
    void serverOptionsAreRefusedForTheInProcessEngine() {
        String m = problem(EngineSettings.Kind.DJL, "http://h:1", EngineSettings.WeightsUpdate.DISK, 8, 60, 3);
        assertTrue(m.contains("--endpoint is for --engine openai") && m.contains("--weights-update is for"), m);
    }

    @Test
    void requestBoundsAreCheckedAllAtOnce() {
        String m = problem(EngineSettings.Kind.OPENAI, "http://h:1", EngineSettings.WeightsUpdate.NONE, 0, 0, -1);
        for (String option : new String[] {"--max-in-flight", "--request-timeout", "--retries"}) {
            assertTrue(m.contains(option), option + " missing from " + m);
        }
        assertTrue(problem(EngineSettings.Kind.OPENAI, "http://h:1", EngineSettings.WeightsUpdate.NONE, 8, 7200, 3)
                .contains("--request-timeout"));
    }

    @Test
    void labelsParseBackAndUnknownOnesNameTheOption() {
        for (EngineSettings.Kind k : EngineSettings.Kind.values()) {
            assertEquals(k, EngineSettings.Kind.parse(k.label()));
        }
        for (EngineSettings.WeightsUpdate w : EngineSettings.WeightsUpdate.values()) {
            assertEquals(w, EngineSettings.WeightsUpdate.parse(w.label()));
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EngineSettings.Kind.parse("vllm"))
                .getMessage()
                .contains("--engine"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EngineSettings.WeightsUpdate.parse("nccl"))
                .getMessage()
                .contains("--weights-update"));
    }

    @Test
    void aWeightsUpdateNeedsAWeightsDirectory() {
        EngineSettings disk = EngineSettings.openAi(URI.create("http://h:1"), EngineSettings.WeightsUpdate.DISK);
        String m = assertThrows(
                        IllegalArgumentException.class,
                        () -> GeneratorSettings.defaults("g")
                                .withWeightsDir(null)
                                .withEngine(disk))
                .getMessage();
        assertTrue(m.contains("--weights-update disk") && m.contains("--weights-dir"), m);
    }

    @Test
    void backoffDoublesFromHalfASecondUpToThirtySeconds() {
        assertEquals(Duration.ofMillis(500), Backoff.after(1));
        assertEquals(Duration.ofMillis(1000), Backoff.after(2));
        assertEquals(Duration.ofMillis(4000), Backoff.after(4));
        assertEquals(Duration.ofSeconds(30), Backoff.after(8));
        assertEquals(Duration.ofSeconds(30), Backoff.after(Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> Backoff.after(0));
    }
}
