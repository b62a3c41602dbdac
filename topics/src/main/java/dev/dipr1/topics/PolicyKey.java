package dev.dipr1.topics;

import dev.dipr1.schemas.PolicyUpdate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Policy authenticity: a secret both the learner and the generators read from a key file
 * ({@code --policy-key FILE}). The learner puts {@code HMAC-SHA256(key, "dipr1-policy/1|" + version
 * + "|" + sha256)} on every policy update it publishes, as the {@value #HEADER} header; a generator
 * given the key refuses (and dead-letters) an update without a valid one. The sha256 in the MAC is
 * the record's own hash of the checkpoint, which the generator checks against the bytes it loads,
 * so the MAC covers the weights without hashing them twice; the version is in the MAC so a signed
 * old update cannot be replayed under a newer number. Anyone who can write to the policy topic can
 * still write a record, but without the key not one a generator will apply — the record's own
 * sha256 proves only that the bytes match the record, not who wrote it.
 *
 * <p>The key file must not be readable by group or others (the secret is refused otherwise, as
 * ssh does with a private key) and hold at least {@value #MIN_BYTES} bytes; its text is used
 * as-is, e.g. {@code head -c 32 /dev/urandom | base64 > policy.key; chmod 600 policy.key}.
 */
public final class PolicyKey {

    /** The header that carries the MAC, hex. */
    public static final String HEADER = "dipr1.policy-hmac-sha256";
    /** The shortest key accepted: HMAC-SHA256's own block of security. */
    public static final int MIN_BYTES = 32;

    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    private PolicyKey(byte[] secret) {
        this.key = new SecretKeySpec(secret, ALGORITHM);
    }

    /** A key of these bytes (for tests and for callers that hold the secret elsewhere). */
    public static PolicyKey of(byte[] secret) {
        if (secret.length < MIN_BYTES) {
            throw new IllegalArgumentException(
                    "a policy key needs at least " + MIN_BYTES + " bytes, got " + secret.length);
        }
        return new PolicyKey(secret.clone());
    }

    /**
     * The key in {@code file}; fails naming the file when it is missing, too short, or readable by
     * group or others.
     */
    public static PolicyKey read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--policy-key " + file + " is not a file");
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            for (PosixFilePermission p : perms) {
                if (p != PosixFilePermission.OWNER_READ && p != PosixFilePermission.OWNER_WRITE) {
                    throw new IllegalArgumentException("--policy-key " + file + " is readable or writable by others ("
                            + perms + "): chmod 600 " + file);
                }
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
        byte[] secret = Files.readAllBytes(file);
        if (secret.length < MIN_BYTES) {
            throw new IllegalArgumentException("--policy-key " + file + " holds " + secret.length
                    + " bytes; a key needs at least " + MIN_BYTES + " (e.g. head -c 32 /dev/urandom | base64)");
        }
        return new PolicyKey(secret);
    }

    /** The MAC of {@code u}, hex. */
    public String mac(PolicyUpdate u) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            byte[] text = ("dipr1-policy/1|" + u.getVersion() + "|" + u.getSha256()).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(mac.doFinal(text));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    }

    /** Adds the MAC of {@code u} to the headers of its record. */
    public void sign(PolicyUpdate u, Headers headers) {
        headers.remove(HEADER);
        headers.add(HEADER, mac(u).getBytes(StandardCharsets.US_ASCII));
    }

    /** Why the record of {@code u} with {@code headers} is not signed by this key, if it is not. */
    public Optional<String> problem(PolicyUpdate u, Headers headers) {
        Header h = headers.lastHeader(HEADER);
        if (h == null || h.value() == null) {
            return Optional.of("policy v" + u.getVersion() + " carries no " + HEADER
                    + " header: not signed with the learner's --policy-key");
        }
        return problem(u, h.value());
    }

    /**
     * Why {@code macHex} (the value of the {@value #HEADER} header, carried some other way, e.g. in
     * a {@code dipr1 serve} weights update) is not this key's MAC of {@code u}, if it is not.
     */
    public Optional<String> problem(PolicyUpdate u, String macHex) {
        if (macHex == null || macHex.isEmpty()) {
            return Optional.of(
                    "policy v" + u.getVersion() + " carries no MAC: not signed with the learner's" + " --policy-key");
        }
        return problem(u, macHex.getBytes(StandardCharsets.US_ASCII));
    }

    private Optional<String> problem(PolicyUpdate u, byte[] macHex) {
        byte[] expected = mac(u).getBytes(StandardCharsets.US_ASCII);
        // constant time: a timing difference would tell an attacker how much of a guess was right
        if (!MessageDigest.isEqual(expected, macHex)) {
            return Optional.of("policy v" + u.getVersion() + " has a " + HEADER
                    + " that does not match the learner's --policy-key: not from the learner");
        }
        return Optional.empty();
    }
}
