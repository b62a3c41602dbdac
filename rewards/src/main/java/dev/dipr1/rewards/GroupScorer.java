package dev.dipr1.rewards;

import java.util.ArrayList;
import java.util.List;

/** Scores one group end to end: parse (§1), format (§2), look (§4), accuracy (§3), total and advantages (§5). */
public final class GroupScorer {

    private GroupScorer() {}

    public static GroupScore score(GroupInput in, RewardConfig c) {
        int g = in.completions().size();
        List<ParsedCompletion> parsed = new ArrayList<>(g);
        for (String text : in.completions()) {
            parsed.add(CompletionParser.parse(text, in.width(), in.height()));
        }
        double[] look = LookReward.of(parsed, in.width(), in.height(), c);
        double[] format = new double[g];
        double[] accuracy = new double[g];
        double[] totals = new double[g];
        for (int i = 0; i < g; i++) {
            ParsedCompletion p = parsed.get(i);
            format[i] = FormatReward.of(p);
            accuracy[i] = p.answerReadable() ? AccuracyReward.of(p.answerBoxes(), in.gt(), in.ignore(), c) : 0.0;
            totals[i] = c.lambdaFormat() * format[i] + c.lambdaLook() * look[i] + c.lambdaAccuracy() * accuracy[i];
        }
        GroupAdvantages adv = Advantages.of(totals, c);
        List<CompletionScore> scores = new ArrayList<>(g);
        for (int i = 0; i < g; i++) {
            ParsedCompletion p = parsed.get(i);
            scores.add(new CompletionScore(
                    format[i], look[i], accuracy[i], totals[i], adv.advantages()[i], p.tooLong(), p.invalidBoxes()));
        }
        return new GroupScore(scores, adv.zeroVariance(), adv.mean(), adv.std());
    }
}
