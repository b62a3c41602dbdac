package dev.dipr1.rewards;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The scoring library stays pure: no Kafka, no model runtime. */
class ArchitectureTest {

    static final JavaClasses REWARDS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.dipr1.rewards");

    @Test
    void rewardsDependOnNeitherKafkaNorDjl() {
        noClasses()
                .that()
                .resideInAPackage("dev.dipr1.rewards..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.kafka..", "ai.djl..")
                .check(REWARDS);
    }
}
