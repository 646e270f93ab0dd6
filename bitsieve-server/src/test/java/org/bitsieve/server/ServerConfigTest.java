package org.bitsieve.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The config file and the key hashes. */
class ServerConfigTest {
    @Test
    void loadsAConfigFileAndResolvesTheDataFolderAgainstIt(@TempDir Path dir) throws IOException {
        String key = ApiKeys.newKey();
        Path f = dir.resolve("server.json");
        Files.writeString(f, "{\"port\": 9999, \"data\": \"coll\", \"search_threads\": 2, \"concurrent_searches\": 5, \"limits\": {\"max_batch\": 7},"
                + " \"keys\": [{\"name\": \"r\", \"role\": \"read\", \"hash\": \"" + ApiKeys.hash(key) + "\"}]}");
        ServerConfig c = ServerConfig.load(f).validate();
        assertEquals(9999, c.port());
        assertEquals(dir.resolve("coll").toAbsolutePath().normalize(), c.data());
        assertEquals(2, c.searchThreads());
        assertEquals(5, c.concurrentSearches());
        assertEquals(7, c.limits().maxBatch());
        assertEquals(ServerConfig.Limits.defaults().maxBodyBytes(), c.limits().maxBodyBytes());
        assertEquals("127.0.0.1", c.host());
        ApiKeys keys = new ApiKeys(c.keys());
        assertEquals(Role.READ, keys.check(key).role());
        assertNull(keys.check(key + "x"));
        assertNull(keys.check(key.substring(1)));
        assertNull(keys.check(""));
    }

    @Test
    void hardeningLimitsComeFromTheFileWithDocumentedDefaults(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("c.json");
        Files.writeString(f, "{\"data\": \"d\", \"limits\": {\"max_collections\": 9, \"body_timeout_seconds\": 5, "
                + "\"min_body_bytes_per_second\": 0}}");
        ServerConfig.Limits l = ServerConfig.load(f).limits();
        assertEquals(9, l.maxCollections());
        assertEquals(5, l.bodyTimeoutSeconds());
        assertEquals(0, l.minBodyBytesPerSecond());
        Files.writeString(f, "{\"data\": \"d\"}");
        ServerConfig.Limits d = ServerConfig.load(f).limits();
        assertEquals(256, d.maxCollections());
        assertEquals(30, d.bodyTimeoutSeconds());
        assertEquals(1024, d.minBodyBytesPerSecond());
        Files.writeString(f, "{\"data\": \"d\", \"limits\": {\"max_collections\": 0}}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServerConfig.load(f)).getMessage().contains("limits must be positive"));
    }

    @Test
    void refusesBadConfigsWithTheirReason(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("c.json");
        Files.writeString(f, "{\"data\": \"d\", \"prot\": 1}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServerConfig.load(f)).getMessage().contains("unknown field 'prot'"));
        Files.writeString(f, "{\"data\": \"d\", \"keys\": [{\"role\": \"write\", \"hash\": \"plaintextkey\"}]}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServerConfig.load(f)).getMessage().contains("plain keys are never stored"));
        Files.writeString(f, "{\"data\": \"d\", \"keys\": [{\"role\": \"admin\", \"hash\": \"" + ApiKeys.hash(ApiKeys.newKey()) + "\"}]}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServerConfig.load(f)).getMessage().contains("role must be"));
        Files.writeString(f, "{\"data\": \"d\", \"threads\": 2}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServerConfig.load(f)).getMessage().contains("threads must be at least 8"));
        Files.writeString(f, "{\"data\": \"d\", \"concurrent_searches\": 0}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServerConfig.load(f)).getMessage().contains("concurrent searches must be at least 1"));
        Files.writeString(f, "{\"data\": \"d\"}");
        assertEquals(Runtime.getRuntime().availableProcessors() + 1, ServerConfig.load(f).concurrentSearches(), "default: cores + 1");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServerConfig.load(f).validate()).getMessage().contains("no API keys"));
        Files.writeString(f, "{\"port\": 1}");
        ServerConfig noData = ServerConfig.load(f).withKeys(List.of(ApiKeys.parse("k", Role.READ, ApiKeys.hash(ApiKeys.newKey()))));
        assertTrue(assertThrows(IllegalArgumentException.class, noData::validate).getMessage().contains("no data folder"));
    }

    @Test
    void hashesAreSaltedAndShortKeysRefused() {
        String key = ApiKeys.newKey();
        String h1 = ApiKeys.hash(key);
        String h2 = ApiKeys.hash(key);
        assertNotEquals(h1, h2);
        assertTrue(h1.matches("sha256:[0-9a-f]{32}:[0-9a-f]{64}"), h1);
        assertTrue(!h1.contains(key));
        ApiKeys both = new ApiKeys(List.of(ApiKeys.parse("a", Role.READ, h1), ApiKeys.parse("b", Role.WRITE, h2)));
        assertNotNull(both.check(key));
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.hash("too-short"));
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse("x", Role.READ, "sha256:zz:00"));
    }
}
