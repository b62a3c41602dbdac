package dev.dipr1.scenes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes scenes as a dataset directory:
 *
 * <pre>
 * DIR/images/&lt;id&gt;.png
 * DIR/annotations.odgt
 * </pre>
 *
 * the layout of {@code dipr1 dataset synth --split S --count N --out DIR}, read back unchanged by
 * {@link OdgtLoader#loadDataset(Path)} (PNG is lossless).
 */
public final class DatasetWriter {

    public static final String IMAGES_DIR = "images";
    public static final String ANNOTATIONS_FILE = "annotations.odgt";

    private static final Logger LOG = LoggerFactory.getLogger(DatasetWriter.class);
    /** Ids become file names: letters, digits, {@code . _ , -}, not starting with a dot. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_,-][A-Za-z0-9._,-]*");

    private DatasetWriter() {}

    public static DatasetSummary write(Path outDir, List<Scene> scenes) throws IOException {
        Set<String> ids = new HashSet<>();
        for (Scene s : scenes) {
            if (!SAFE_ID.matcher(s.id()).matches()) {
                throw new IllegalArgumentException(
                        "scene id '" + s.id() + "' cannot be a file name: use letters, digits and . _ , -");
            }
            if (!ids.add(s.id())) {
                throw new IllegalArgumentException("duplicate scene id '" + s.id() + "'");
            }
        }
        Path imageDir = outDir.resolve(IMAGES_DIR);
        Files.createDirectories(imageDir);
        int persons = 0;
        int ignored = 0;
        for (Scene s : scenes) {
            Images.writePng(Images.toRgb(s.image()), imageDir.resolve(s.id() + ".png"));
            persons += s.persons().size();
            ignored += (int) s.persons().stream().filter(Person::ignored).count();
        }
        Path annotations = outDir.resolve(ANNOTATIONS_FILE);
        OdgtWriter.write(annotations, scenes);
        DatasetSummary summary = new DatasetSummary(outDir, annotations, scenes.size(), persons, ignored);
        LOG.info("wrote {}", summary);
        return summary;
    }
}
