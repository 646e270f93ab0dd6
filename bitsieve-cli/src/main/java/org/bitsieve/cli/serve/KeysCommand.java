package org.bitsieve.cli.serve;

import org.bitsieve.server.ApiKeys;
import org.bitsieve.server.Role;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * {@code bitsieve keys new|hash}: make API keys for {@code bitsieve serve}. The server's config holds only the
 * salted hash; the key itself is printed once, for the client.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Create or hash API keys for `bitsieve serve`.",
        subcommands = {KeysCommand.New.class, KeysCommand.Hash.class})
public final class KeysCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(System.out); }

    static String entry(String name, Role role, String hash) {
        return "{\"name\": \"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\", \"role\": \"" + role.wire()
                + "\", \"hash\": \"" + hash + "\"}";
    }

    @Command(name = "new", mixinStandardHelpOptions = true,
            description = {"Generate a random key; print it (once), the ready-to-paste `serve --key` argument and the config entry.",
                    "With --env: shell assignments instead, for eval \"$(bitsieve keys new --env)\": KEY (the client's) and",
                    "KEY_ENTRY (ROLE:HASH, the server's: serve --key \"$KEY_ENTRY\")."})
    static final class New implements Runnable {
        @Option(names = "--role", defaultValue = "read", description = "read or write. Default: ${DEFAULT-VALUE}.")
        String role;

        @Option(names = "--name", defaultValue = "client", description = "Label for the key in the config. Default: ${DEFAULT-VALUE}.")
        String name;

        @Option(names = "--env", description = "Print KEY=... and KEY_ENTRY=... shell assignments only.")
        boolean env;

        @Override
        public void run() {
            Role r = Role.parse(role);
            String key = ApiKeys.newKey();
            String hash = ApiKeys.hash(key);
            if (env) {
                // keys and hashes are [A-Za-z0-9_:-] only, so the values need no quoting
                System.out.println("KEY=" + key);
                System.out.println("KEY_ENTRY=" + r.wire() + ":" + hash);
                return;
            }
            System.out.println("key:    " + key);
            System.out.println("server: --key " + r.wire() + ":" + hash);
            System.out.println("entry:  " + entry(name, r, hash));
            System.err.println("Give the key to the client (Authorization: Bearer <key>); start the server with the --key argument, "
                    + "or put the config entry in the config file's \"keys\". The key is not stored anywhere.");
        }
    }

    @Command(name = "hash", mixinStandardHelpOptions = true,
            description = "Hash an existing key read from standard input (first line); print its config entry.")
    static final class Hash implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--role", defaultValue = "read", description = "read or write. Default: ${DEFAULT-VALUE}.")
        String role;

        @Option(names = "--name", defaultValue = "client", description = "Label for the key in the config. Default: ${DEFAULT-VALUE}.")
        String name;

        @Override
        public Integer call() throws IOException {
            Role r = Role.parse(role);
            String key = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (key == null) {
                throw new IllegalArgumentException("no key on standard input; pipe it in, e.g. `printf %s \"$KEY\" | bitsieve keys hash`");
            }
            System.out.println(entry(name, r, ApiKeys.hash(key)));
            return 0;
        }
    }
}
