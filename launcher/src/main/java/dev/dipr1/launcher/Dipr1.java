package dev.dipr1.launcher;

import dev.dipr1.server.PolicyServer;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code dipr1} command line. */
@Command(
        name = "dipr1",
        mixinStandardHelpOptions = true,
        versionProvider = Dipr1.Version.class,
        description = "DIP-R1 on Kafka: asynchronous GRPO training of a crowded-scene detection policy.",
        subcommands = {
            BrokerCommand.class,
            TopicsCommand.class,
            ScoreCommand.class,
            RewardsCommand.class,
            ReplayCommand.class,
            BenchCommand.class,
            DatasetCommand.class,
            SftCommand.class,
            EvalCommand.class,
            FeedCommand.class,
            GeneratorCommand.class,
            LearnerCommand.class,
            ServeCommand.class,
            DemoCommand.class,
            StudyCommand.class,
            ChaosCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Dipr1 implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Dipr1.class);

    @Option(names = "--verbose", description = "Print stack traces of errors.", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "name a command, e.g. 'dipr1 demo' (see dipr1 --help)");
    }

    public static void main(String[] args) {
        PolicyServer.noDelay();
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        System.exit(commandLine().execute(args));
    }

    /** The command line with this project's error handling: one line on bad input, no stack trace unless --verbose. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Dipr1());
        cl.setParameterExceptionHandler(Dipr1::onBadArgument);
        cl.setExecutionExceptionHandler(Dipr1::onFailure);
        return cl;
    }

    private static int onBadArgument(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("dipr1: " + e.getMessage() + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
        if (isVerbose(args)) {
            e.printStackTrace(err);
        }
        err.flush();
        return CommandLine.ExitCode.USAGE;
    }

    private static int onFailure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (e instanceof IllegalArgumentException) {
            // Bad settings found after parsing (e.g. a reward config that does not validate).
            err.println("dipr1: " + e.getMessage());
            if (isVerbose(parsed.originalArgs().toArray(String[]::new))) {
                e.printStackTrace(err);
            }
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        LOG.debug("command failed", e);
        err.println("dipr1: error: " + rootMessage(e));
        if (isVerbose(parsed.originalArgs().toArray(String[]::new))) {
            e.printStackTrace(err);
        } else {
            err.println("(run again with --verbose for the stack trace)");
        }
        err.flush();
        return CommandLine.ExitCode.SOFTWARE;
    }

    static String rootMessage(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause != e && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message += ": " + cause.getMessage();
        }
        return message;
    }

    private static boolean isVerbose(String[] args) {
        for (String a : args) {
            if (a.equals("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Dipr1.class.getPackage().getImplementationVersion();
            return new String[] {"dipr1 " + (v == null ? "development build" : v)};
        }
    }
}
