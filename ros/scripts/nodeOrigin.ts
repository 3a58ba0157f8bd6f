/** The package that defines each node executable, named in generated files and the README table. */
export function nodeOrigin(exec: string): string {
  if (['lidar_processor', 'camera_encoder', 'audio_processor', 'touch_processor', 'floor_marking_detector'].includes(exec)) return '@sensorium/perception';
  if (exec === 'fusion') return '@sensorium/fusion';
  if (exec === 'simulator' || exec === 'expert_controller') return '@sensorium/sim';
  return '@sensorium/control';
}
