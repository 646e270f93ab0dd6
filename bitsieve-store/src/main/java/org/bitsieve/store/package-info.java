/** Crash-safe collections of bit codes on disk. */
package org.bitsieve.store;
