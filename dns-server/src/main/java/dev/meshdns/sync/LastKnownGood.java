package dev.meshdns.sync;

import dev.meshdns.admin.Json;
import dev.meshdns.catalog.EntrySetDigest;
import dev.meshdns.catalog.ServiceEntries;
import dev.meshdns.catalog.ServiceEntry;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import java.io.BufferedWriter;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control-plane entries last applied, kept in {@code control-plane-catalog.json} in the data
 * dir so that a restart while the control plane is away still serves every name and resumes the
 * stream with their versions. Not thread-safe: used by the {@code meshdns-sync} thread only; not
 * final so that tests can record the saves.
 */
// Written whole (temp file, fsync, atomic rename, fsync of the directory: a crash leaves the old or
// the new file, never a mix), SAVE_DELAY after applied responses and on close, so it may lag the
// served entries by that much. Read back streamed with gson, through the catalog's own validation.
// Format version 1 (the digest, of the entries the resources hold, since issue 12; readers skip it):
//   {"format":1,"digest":"1:8a1f...:03c2...","resources":[{"name":"backend","version":"7","service":"backend",
//     "hostnames":["backend.shop.example"],"vip":"240.0.0.9","vip6":null,"ports":[8080]}]}
class LastKnownGood {
    static final String FILE_NAME = "control-plane-catalog.json";
    static final int FORMAT = 1;
    private static final Logger log = LoggerFactory.getLogger(LastKnownGood.class);
    private static final int WRITE_BUFFER_CHARS = 64 * 1024;

    private final Path file;
    private final Path temp;

    LastKnownGood(Path dataDir) {
        this.file = dataDir.resolve(FILE_NAME);
        this.temp = dataDir.resolve(FILE_NAME + ".tmp");
    }

    Path file() {
        return file;
    }

    /**
     * The persisted entries, or none when there is no file. A file that cannot be read at all is
     * logged and treated as none (the control plane sends everything again); an entry that fails
     * validation is logged and left out.
     */
    List<SyncedEntry> load() {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(in);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (MalformedJsonException | EOFException | IllegalStateException | IllegalArgumentException e) {
            log.error("the last-known-good catalog {} is unusable, starting without it: {}", file,
                    String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            return List.of();
        } catch (IOException e) {
            log.error("cannot read the last-known-good catalog {}, starting without it: {}", file, e.toString());
            return List.of();
        }
    }

    /** Replaces the file with these entries, durably (returns once the rename is on disk). */
    void save(Collection<SyncedEntry> entries) throws IOException {
        Files.createDirectories(file.getParent());
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            // Not closed itself: closing it would close the channel before the fsync.
            Writer out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel),
                    StandardCharsets.UTF_8), WRITE_BUFFER_CHARS);
            render(entries, out);
            out.flush();
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // The rename is durable only once the directory entry is: fsync the directory (works on Linux).
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            log.debug("cannot fsync directory {}: {}", file.getParent(), e.toString());
        }
    }

    /**
     * Writes the JSON one resource (one line) at a time, so saving 100,000 entries never holds the
     * whole text (tens of megabytes the GC would have to collect from the old generation).
     */
    static void render(Collection<SyncedEntry> entries, Writer out) throws IOException {
        List<ServiceEntry> list = new ArrayList<>(entries.size());
        entries.forEach(synced -> list.add(synced.entry()));
        out.write("{\"format\":" + FORMAT + ",\"digest\":\"" + EntrySetDigest.of(list).text() + "\",\"resources\":[");
        StringBuilder json = new StringBuilder(256);
        String separator = "\n";
        for (SyncedEntry synced : entries) {
            ServiceEntry entry = synced.entry();
            json.setLength(0);
            json.append(separator).append("{\"name\":");
            Json.appendString(json, synced.name()).append(",\"version\":");
            Json.appendString(json, synced.version()).append(",\"service\":");
            Json.appendString(json, entry.service()).append(",\"hostnames\":[");
            for (int i = 0; i < entry.hostnames().size(); i++) {
                Json.appendString(json.append(i == 0 ? "" : ","), entry.hostnames().get(i));
            }
            json.append("],\"vip\":").append(entry.vip() == null ? "null" : Json.quote(entry.vip().getHostAddress()))
                    .append(",\"vip6\":")
                    .append(entry.vip6() == null ? "null" : Json.quote(entry.vip6().getHostAddress()))
                    .append(",\"ports\":[");
            for (int i = 0; i < entry.ports().size(); i++) {
                json.append(i == 0 ? "" : ",").append(entry.ports().get(i));
            }
            json.append("]}");
            out.append(json);
            separator = ",\n";
        }
        out.write("\n]}\n");
    }

    /**
     * The digest of the entries the file holds ({@link EntrySetDigest}), read from its head without
     * reading the entries; empty without a file, or with one that has none before them.
     */
    Optional<EntrySetDigest> digest() {
        try (JsonReader json = new JsonReader(Files.newBufferedReader(file, StandardCharsets.UTF_8))) {
            json.beginObject();
            while (json.hasNext()) {
                String name = json.nextName();
                if (name.equals("digest")) {
                    return json.peek() == JsonToken.STRING ? EntrySetDigest.parse(json.nextString()) : Optional.empty();
                }
                if (name.equals("resources")) {
                    return Optional.empty();
                }
                json.skipValue();
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            log.debug("no digest in the head of {}: {}", file, e.toString());
        }
        return Optional.empty();
    }

    /** Reads the file's JSON as it streams in (100,000 entries in well under a second). */
    static List<SyncedEntry> parse(Reader text) throws IOException {
        JsonReader json = new JsonReader(text);
        Object format = null;
        List<SyncedEntry> entries = null;
        json.beginObject();
        while (json.hasNext()) {
            String name = json.nextName();
            if (name.equals("format")) {
                format = value(json);
            } else if (name.equals("resources")) {
                entries = resources(json);
            } else {
                json.skipValue();
            }
        }
        json.endObject();
        if (!Integer.valueOf(FORMAT).equals(format) || entries == null) {
            throw new IllegalArgumentException("expected {\"format\":" + FORMAT + ",\"resources\":[...]}");
        }
        return entries;
    }

    private static List<SyncedEntry> resources(JsonReader json) throws IOException {
        List<SyncedEntry> entries = new ArrayList<>();
        json.beginArray();
        while (json.hasNext()) {
            if (!(value(json) instanceof Map<?, ?> fields)) {
                throw new IllegalArgumentException("a resource must be an object");
            }
            Object name = fields.get("name");
            Object version = fields.get("version");
            Map<String, Object> entryFields = new HashMap<>();
            fields.forEach((key, value) -> entryFields.put(String.valueOf(key), value));
            entryFields.remove("name");
            entryFields.remove("version");
            ServiceEntries.Checked checked = ServiceEntries.check(entryFields);
            if (!(name instanceof String n) || !(version instanceof String v) || !checked.isValid()
                    || !n.equals(checked.entry().service())) {
                log.warn("last-known-good resource {} left out: {}", name, !checked.isValid()
                        ? String.join("; ", checked.problems())
                        : "name and version must be strings, and the name the service's (as on the wire)");
                continue;
            }
            entries.add(new SyncedEntry(n, v, checked.entry()));
        }
        json.endArray();
        return entries;
    }

    /** Any JSON value as the catalog's checks take it: String, Integer (else the number's text), List, Map, null. */
    private static Object value(JsonReader json) throws IOException {
        switch (json.peek()) {
            case BEGIN_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                json.beginObject();
                while (json.hasNext()) {
                    object.put(json.nextName(), value(json));
                }
                json.endObject();
                return object;
            }
            case BEGIN_ARRAY -> {
                List<Object> array = new ArrayList<>();
                json.beginArray();
                while (json.hasNext()) {
                    array.add(value(json));
                }
                json.endArray();
                return array;
            }
            case NUMBER -> {
                String number = json.nextString();
                try {
                    return Integer.valueOf(number);
                } catch (NumberFormatException notAnInt) {
                    return number;
                }
            }
            case BOOLEAN -> {
                return json.nextBoolean();
            }
            case NULL -> {
                json.nextNull();
                return null;
            }
            default -> {
                return json.nextString();
            }
        }
    }
}
