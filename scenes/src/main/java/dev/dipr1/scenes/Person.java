package dev.dipr1.scenes;

/**
 * One person in a scene.
 *
 * @param full the full-body box, including the occluded part (as in CrowdHuman's {@code fbox})
 * @param visible the box of the visible part ({@code vbox})
 * @param visibility fraction of the person's pixels that are visible, in [0, 1]
 * @param ignored true when the person is too small or too hidden to count: it becomes an ignore region
 */
public record Person(PixelBox full, PixelBox visible, double visibility, boolean ignored) {}
