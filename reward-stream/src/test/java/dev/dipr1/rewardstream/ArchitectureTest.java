package dev.dipr1.rewardstream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The reward stream is pure Java: it never needs the model. */
class ArchitectureTest {

    @Test
    void rewardStreamNeverImportsDjl() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.dipr1.rewardstream", "dev.dipr1.rewards");
        noClasses().should().dependOnClassesThat().resideInAPackage("ai.djl..").check(classes);
    }
}
