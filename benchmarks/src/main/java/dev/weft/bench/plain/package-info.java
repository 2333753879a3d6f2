/**
 * Plain-thread harnesses: loops as a user writes them, Weft and the JDK peer interleaved in one
 * JVM, medians printed as ratio tables (no JMH).
 */
package dev.weft.bench.plain;
