import { DefaultQoS, defineNode, double, doubleArray, LatchedQoS, mapSafe, PointFieldType, SensorDataQoS, string, ValidationError, type CameraInfo, type PointCloud2, type PointField } from '@sensorium/core';
import { Subscription } from 'rxjs';
import { DEFAULT_HAZARD_PAINT, FloorMarkingDetector } from '../camera/FloorMarkingDetector.js';
import { FrameTree } from '../camera/FrameTree.js';

const TfQoS = { ...DefaultQoS, reliability: 'best_effort' as const, depth: 100 };
/** More messages than SensorDataQoS depth (5): a published cloud stays intact while any keep-last queue holds it. */
const POOL = 8;
const FIELDS: readonly PointField[] = Object.freeze([
  { name: 'x', offset: 0, datatype: PointFieldType.FLOAT32, count: 1 },
  { name: 'y', offset: 4, datatype: PointFieldType.FLOAT32, count: 1 },
  { name: 'z', offset: 8, datatype: PointFieldType.FLOAT32, count: 1 },
]);
const POINT_STEP = 12;

interface Slot {
  xyz: Float32Array;
  bytes: Uint8Array;
  /** data views by point count, made the first time a count is published */
  views: Array<Uint8Array | undefined>;
  msg: PointCloud2;
}

/**
 * `floor_marking_detector`: camera image + camera_info + the camera's mount from tf → hazard paint on the
 * floor (red / yellow keep-out markings, see FloorMarkingDetector) as `perception/vision/floor_marks`:
 * PointCloud2 in `base_frame` (x, y, z float32, z = 0), at most one point per `cell_size` cell, one message
 * per camera frame (empty when nothing is marked). Frames without camera_info or a camera pose yet are
 * dropped and counted (`no_camera_info`, `no_transform`), as are malformed ones.
 */
export const floorMarkingDetector = defineNode({
  exec: 'floor_marking_detector',
  description: 'Camera: hazard paint on the floor (keep-out zones) → floor points in base_link',
  parameters: {
    hue_ranges: doubleArray([...DEFAULT_HAZARD_PAINT.hueRangesDeg], { description: 'hazard paint hues, degrees, as [from, to] pairs (wrapping when from > to): red 340→20, yellow 40→70' }),
    min_saturation: double(DEFAULT_HAZARD_PAINT.minSaturation, { min: 0, max: 1, description: 'smallest HSV saturation of paint (grey floors are < 0.1)' }),
    min_value: double(DEFAULT_HAZARD_PAINT.minValue, { min: 0, max: 1, description: 'smallest HSV value of paint (darker pixels are too noisy to judge)' }),
    cell_size: double(0.05, { min: 0.005, max: 1, description: 'at most one point per floor cell of this side, m' }),
    max_range: double(6, { min: 0.1, max: 100, description: 'floor points farther than this from base_frame origin are ignored, m' }),
    base_frame: string('base_link', { description: 'frame of the output points; its z = 0 plane is the floor' }),
  },
  inputs: [
    { topic: 'camera/image_raw', type: 'sensor_msgs/msg/Image', qos: 'sensor' },
    { topic: 'camera/camera_info', type: 'sensor_msgs/msg/CameraInfo', qos: 'sensor' },
    { topic: 'tf', type: 'tf2_msgs/msg/TFMessage', qos: 'default', description: 'camera mount (if not static)' },
    { topic: 'tf_static', type: 'tf2_msgs/msg/TFMessage', qos: 'latched', description: 'base_link → camera_link → camera_optical_frame' },
  ],
  outputs: [{ topic: 'perception/vision/floor_marks', type: 'sensor_msgs/msg/PointCloud2', qos: 'sensor', description: 'hazard paint on the floor, base_frame, z = 0' }],
  configure(ctx) {
    const p = ctx.params;
    const detector = new FloorMarkingDetector({ paint: { hueRangesDeg: p.hue_ranges, minSaturation: p.min_saturation, minValue: p.min_value }, cellSizeM: p.cell_size, maxRangeM: p.max_range });
    const frames = new FrameTree();
    const cameraToBase = new Float64Array(12);
    const imageTopic = ctx.resolve('camera/image_raw');
    const context = { topic: imageTopic };
    let info: CameraInfo | undefined;
    const slots: Slot[] = [];
    for (let i = 0; i < POOL; i++) {
      const msg: PointCloud2 = {
        header: { stamp: { sec: 0, nanosec: 0 }, frame_id: p.base_frame },
        height: 1,
        width: 0,
        fields: FIELDS as PointField[],
        is_bigendian: false,
        point_step: POINT_STEP,
        row_step: 0,
        data: new Uint8Array(0),
        is_dense: true,
      };
      slots.push({ xyz: new Float32Array(0), bytes: new Uint8Array(0), views: [], msg });
    }
    let next = 0;
    /** The cloud of the detector's current marks in the next pool slot (grown once per larger image). */
    const fill = (stamp: { sec: number; nanosec: number }): PointCloud2 => {
      const slot = slots[next]!;
      next = (next + 1) % POOL;
      const n = detector.count;
      if (slot.xyz.length < 3 * detector.xs.length) {
        slot.xyz = new Float32Array(3 * detector.xs.length);
        slot.bytes = new Uint8Array(slot.xyz.buffer);
        slot.views = [];
      }
      for (let i = 0; i < n; i++) {
        slot.xyz[3 * i] = detector.xs[i]!;
        slot.xyz[3 * i + 1] = detector.ys[i]!;
        slot.xyz[3 * i + 2] = 0;
      }
      let data = slot.views[n];
      if (data === undefined) {
        data = slot.bytes.subarray(0, n * POINT_STEP);
        slot.views[n] = data;
      }
      const m = slot.msg;
      m.header.stamp.sec = stamp.sec;
      m.header.stamp.nanosec = stamp.nanosec;
      m.width = n;
      m.row_step = n * POINT_STEP;
      m.data = data;
      return m;
    };
    return {
      activate() {
        const marks = ctx.advertise('perception/vision/floor_marks', 'sensor_msgs/msg/PointCloud2', SensorDataQoS);
        const subscription = new Subscription();
        subscription.add(ctx.subscribe('tf_static', 'tf2_msgs/msg/TFMessage', LatchedQoS).pipe(mapSafe(ctx, 'tf_static', (m) => frames.add(m))).subscribe());
        subscription.add(ctx.subscribe('tf', 'tf2_msgs/msg/TFMessage', TfQoS).pipe(mapSafe(ctx, 'tf', (m) => frames.add(m))).subscribe());
        subscription.add(
          ctx
            .subscribe('camera/camera_info', 'sensor_msgs/msg/CameraInfo', SensorDataQoS)
            .pipe(
              mapSafe(ctx, 'camera/camera_info', (m) => {
                info = m;
              }),
            )
            .subscribe(),
        );
        subscription.add(
          ctx
            .subscribe('camera/image_raw', 'sensor_msgs/msg/Image', SensorDataQoS)
            .pipe(
              mapSafe(ctx, 'camera/image_raw', (image) => {
                const t0 = performance.now();
                if (info === undefined) {
                  ctx.diagnostics.drop(imageTopic, 'no_camera_info');
                  return;
                }
                if (!frames.lookup(p.base_frame, image.header.frame_id, cameraToBase)) {
                  ctx.diagnostics.drop(imageTopic, 'no_transform', new ValidationError(`no transform ${p.base_frame} ← ${image.header.frame_id} on tf/tf_static yet`, { context: { ...context, field: 'header.frame_id', expected: `a frame under ${p.base_frame}`, actual: image.header.frame_id } }));
                  return;
                }
                detector.detect(image, info, cameraToBase, context);
                marks.publish(fill(image.header.stamp));
                ctx.diagnostics.gauge('floor_marks', detector.count);
                ctx.diagnostics.stage('floor_marking', performance.now() - t0, image.header.stamp);
              }),
            )
            .subscribe(),
        );
        return subscription;
      },
    };
  },
});
