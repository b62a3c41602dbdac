package dev.dipr1.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DjlEnvironmentTest {

    @Test
    void theIntraOpThreadsAreThePropertyWhenPositiveElseEveryCore() {
        assertEquals(1, DjlEnvironment.intraOpThreads("1", 2));
        assertEquals(3, DjlEnvironment.intraOpThreads(" 3 ", 2));
        assertEquals(2, DjlEnvironment.intraOpThreads(null, 2), "unset: every core, as init() sets it");
        assertEquals(2, DjlEnvironment.intraOpThreads("0", 2));
        assertEquals(2, DjlEnvironment.intraOpThreads("two", 2));
    }

    @Test
    void onceTheEngineRunsThereIsOneWorkerAndItsThreadCountStays() {
        DjlEnvironment.init();
        String count = System.getProperty("ai.djl.pytorch.num_threads");
        int before = DjlEnvironment.intraOpThreads();

        assertEquals(1, DjlEnvironment.oneThreadPerWorker(), "more workers would each get the engine's " + before);
        assertEquals(count, System.getProperty("ai.djl.pytorch.num_threads"));
    }
}
