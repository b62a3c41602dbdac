package dev.dipr1.launcher;

import dev.dipr1.rewards.JsonlScorer;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Scores groups given as JSON Lines on stdin. */
@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        description = {
            "Score groups of completions read as JSON Lines on stdin; one JSON line out per group.",
            "In:  {\"id\": \"...\", \"width\": W, \"height\": H, \"gt\": [[x1,y1,x2,y2], ...], "
                    + "\"ignore\": [[...]], \"completions\": [\"...\", ...]}",
            "Out: {\"id\": \"...\", \"zero_variance\": false, \"rewards\": [{\"format\": f, \"look\": l, "
                    + "\"accuracy\": a, \"total\": t, \"advantage\": A}, ...]}",
            "A malformed line is reported on stderr with its line number and skipped; the exit status is then 1."
        })
final class ScoreCommand implements Callable<Integer> {

    @Mixin
    RewardOptions rewards;

    @Override
    public Integer call() throws Exception {
        var config = rewards.config();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintWriter out =
                new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        JsonlScorer.Summary s = JsonlScorer.run(in, out, err, config);
        out.flush();
        if (s.failed() > 0) {
            err.println("dipr1 score: " + s.failed() + " malformed line(s) skipped, " + s.ok() + " scored");
            return 1;
        }
        return 0;
    }
}
