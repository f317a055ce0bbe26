package org.sparkebm.core.config;

/**
 * One configuration key, declared once with its type, default and meaning (see {@link Keys}).
 *
 * @param name         dotted name, e.g. {@code sampler.steps}
 * @param type         human-readable type, e.g. {@code int >= 0}
 * @param defaultValue default as written in a config file, or {@code null} when the key is required or optional
 *                     without default (the doc says which)
 * @param doc          one-sentence meaning
 */
public record Key(String name, String type, String defaultValue, String doc) {}
