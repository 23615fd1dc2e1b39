package dev.ballast.model.lm;

/** A prompt and the response a fine-tuning sample or preference pair would teach. */
public record TextSample(String prompt, String response) {
}
