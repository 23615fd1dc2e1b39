package dev.ballast.model.lm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Word-level tokenizer of the built-in model: lower-cased words and single punctuation marks;
 * any token with a digit becomes {@code <num>}; words outside the vocabulary become
 * {@code <unk>}. Saved beside the model's parameters as {@code vocab.txt}, one token per line.
 */
public final class Vocabulary {
    public static final int PAD = 0;
    public static final int UNK = 1;
    public static final int BOS = 2;
    public static final int SEP = 3;
    public static final int EOS = 4;
    private static final List<String> SPECIAL = List.of("<pad>", "<unk>", "<bos>", "<sep>", "<eos>", "<num>");
    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}]+|[^\\s\\p{L}\\p{N}]");
    private final List<String> tokens;
    private final Map<String, Integer> ids;

    private Vocabulary(List<String> tokens) {
        this.tokens = List.copyOf(tokens);
        this.ids = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            ids.put(tokens.get(i), i);
        }
    }

    /** A vocabulary of every word in {@code texts}, sorted, after the special tokens. */
    public static Vocabulary build(Iterable<String> texts) {
        TreeSet<String> words = new TreeSet<>();
        for (String text : texts) {
            words.addAll(split(text));
        }
        List<String> all = new ArrayList<>(SPECIAL);
        words.removeAll(SPECIAL);
        all.addAll(words);
        return new Vocabulary(all);
    }

    public static Vocabulary load(Path file) throws IOException {
        return new Vocabulary(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    public void save(Path file) throws IOException {
        Files.write(file, tokens, StandardCharsets.UTF_8);
    }

    public int size() {
        return tokens.size();
    }

    /** Token ids of {@code text}; never fails, whatever the text. */
    public int[] encode(String text) {
        List<String> words = split(text);
        int[] out = new int[words.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.getOrDefault(words.get(i), UNK);
        }
        return out;
    }

    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        Matcher m = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            String t = m.group();
            out.add(t.chars().anyMatch(Character::isDigit) ? "<num>" : t);
        }
        return out;
    }
}
