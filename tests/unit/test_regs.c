/* tests/unit/test_regs.c — the virtio-mmio register file: every read has a
 * known right answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include "../../backend/regs.c"

static struct hvsim_device dev = {
    .base = 0xa003e00, .device_id = 2, .vendor_id = 0x48565349, .queue_num_max = 256,
    /* distinct halves (VERSION_1 in the high word, bits 0 and 5 in the low):
     * a selector that is ignored, or halves swapped, reads a different value */
    .irq_id = 78, .features = 0x0000000100000021ull,
};

static void identification(void **st)
{
    (void)st;
    struct regs_dev d;
    regs_init(&d, &dev);
    assert_int_equal(regs_read(&d, VIRTIO_MMIO_MAGIC_VALUE, 4), 0x74726976);
    assert_int_equal(regs_read(&d, VIRTIO_MMIO_VERSION, 4), 2);
    assert_int_equal(regs_read(&d, VIRTIO_MMIO_DEVICE_ID, 4), 2);
    assert_int_equal(regs_read(&d, VIRTIO_MMIO_VENDOR_ID, 4), 0x48565349);
    assert_int_equal(regs_read(&d, VIRTIO_MMIO_MAGIC_VALUE, 1), 0x76); /* narrow read */
    assert_int_equal(regs_read(&d, 0x0ac, 4), 0);                      /* reserved */
}

static void features_and_queues(void **st)
{
    (void)st;
    struct regs_dev d;
    regs_init(&d, &dev);
    assert_int_equal(regs_read(&d, VIRTIO_MMIO_DEVICE_FEATURES, 4), 0x21);
    regs_write(&d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 4, 1);
    assert_int_equal(regs_read(&d, VIRTIO_MMIO_DEVICE_FEATURES, 4), 1);
    regs_write(&d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 4, 2); /* no third word */
    assert_int_equal(regs_read(&d, VIRTIO_MMIO_DEVICE_FEATURES, 4), 0);
    regs_write(&d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 4, 0); /* back to the low word */
    assert_int_equal(regs_read(&d, VIRTIO_MMIO_DEVICE_FEATURES, 4), 0x21);
    /* the driver's features, one word per selector, land in their own half */
    regs_write(&d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 4, 1);
    regs_write(&d, VIRTIO_MMIO_DRIVER_FEATURES, 4, 1);
    regs_write(&d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 4, 0);
    regs_write(&d, VIRTIO_MMIO_DRIVER_FEATURES, 4, 0x20);
    assert_int_equal(d.drv_features, 0x0000000100000020ull);
    regs_write(&d, VIRTIO_MMIO_QUEUE_SEL, 4, 0);
    assert_int_equal(regs_read(&d, VIRTIO_MMIO_QUEUE_NUM_MAX, 4), 256);
    regs_write(&d, VIRTIO_MMIO_QUEUE_READY, 4, 1);
    assert_int_equal(regs_read(&d, VIRTIO_MMIO_QUEUE_READY, 4), 1);
    regs_write(&d, VIRTIO_MMIO_QUEUE_SEL, 4, 9); /* no such queue */
    assert_int_equal(regs_read(&d, VIRTIO_MMIO_QUEUE_NUM_MAX, 4), 0);
}

static void status_and_reset(void **st)
{
    (void)st;
    struct regs_dev d;
    regs_init(&d, &dev);
    regs_write(&d, VIRTIO_MMIO_STATUS, 4, 0xf);
    assert_int_equal(regs_read(&d, VIRTIO_MMIO_STATUS, 4), 0xf);
    regs_write(&d, VIRTIO_MMIO_QUEUE_NOTIFY, 4, 0);
    assert_int_equal(regs_read(&d, VIRTIO_MMIO_INTERRUPT_STATUS, 4), 1);
    regs_write(&d, VIRTIO_MMIO_INTERRUPT_ACK, 4, 1);
    assert_int_equal(regs_read(&d, VIRTIO_MMIO_INTERRUPT_STATUS, 4), 0);
    regs_write(&d, VIRTIO_MMIO_STATUS, 4, 0); /* writing 0 resets the device */
    assert_int_equal(regs_read(&d, VIRTIO_MMIO_STATUS, 4), 0);
}

static void config_space(void **st)
{
    (void)st;
    struct hvsim_device x = dev;
    for (int i = 0; i < 64; i++)
        x.config[i] = (uint8_t)(0x40 + i);
    struct regs_dev d;
    regs_init(&d, &x);
    assert_int_equal(regs_read(&d, VIRTIO_MMIO_CONFIG, 4), 0x43424140);
    assert_int_equal(regs_read(&d, VIRTIO_MMIO_CONFIG + 8, 8), 0x4f4e4d4c4b4a4948ull);
    assert_int_equal(regs_read(&d, VIRTIO_MMIO_CONFIG + 62, 4), 0x7f7e); /* past the end reads 0 */
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(identification), cmocka_unit_test(features_and_queues),
        cmocka_unit_test(status_and_reset), cmocka_unit_test(config_space),
    };
    return cmocka_run_group_tests(t, 0, 0);
}
