/**
 * `.msg` text of the standard ROS 2 Humble types Sensorium uses, keyed by full type name.
 *
 * Field lines (types, names, fixed sizes, constants, default values) are those of the Humble
 * packages (rcl_interfaces 1.2, common_interfaces 4.2, geometry2 0.25, vision_msgs 4.x,
 * audio_common_msgs ros2); the upstream comment lines are left out, so the text is what a parser
 * needs and what Foxglove/rosbag2 readers accept, but not byte-identical to the upstream files.
 * Type references are spelled as in the upstream files (`Point position` inside geometry_msgs,
 * `std_msgs/Header header` across packages) because rosbag2 derives its `MSG:` block names from them.
 */
export const STANDARD_DEFINITIONS: Readonly<Record<string, string>> = {
  'builtin_interfaces/msg/Time': 'int32 sec\nuint32 nanosec\n',
  'builtin_interfaces/msg/Duration': 'int32 sec\nuint32 nanosec\n',
  'std_msgs/msg/Header': 'builtin_interfaces/Time stamp\nstring frame_id\n',
  'std_msgs/msg/String': 'string data\n',
  'geometry_msgs/msg/Vector3': 'float64 x\nfloat64 y\nfloat64 z\n',
  'geometry_msgs/msg/Point': 'float64 x\nfloat64 y\nfloat64 z\n',
  'geometry_msgs/msg/Quaternion': 'float64 x 0\nfloat64 y 0\nfloat64 z 0\nfloat64 w 1\n',
  'geometry_msgs/msg/Pose': 'Point position\nQuaternion orientation\n',
  'geometry_msgs/msg/PoseStamped': 'std_msgs/Header header\nPose pose\n',
  'geometry_msgs/msg/PoseWithCovariance': 'Pose pose\nfloat64[36] covariance\n',
  'geometry_msgs/msg/Twist': 'Vector3  linear\nVector3  angular\n',
  'geometry_msgs/msg/TwistStamped': 'std_msgs/Header header\nTwist twist\n',
  'geometry_msgs/msg/TwistWithCovariance': 'Twist twist\nfloat64[36] covariance\n',
  'geometry_msgs/msg/Transform': 'Vector3 translation\nQuaternion rotation\n',
  'geometry_msgs/msg/TransformStamped': 'std_msgs/Header header\nstring child_frame_id\nTransform transform\n',
  'sensor_msgs/msg/Image':
    'std_msgs/Header header\nuint32 height\nuint32 width\nstring encoding\nuint8 is_bigendian\nuint32 step\nuint8[] data\n',
  'sensor_msgs/msg/RegionOfInterest':
    'uint32 x_offset\nuint32 y_offset\nuint32 height\nuint32 width\nbool do_rectify\n',
  'sensor_msgs/msg/CameraInfo':
    'std_msgs/Header header\nuint32 height\nuint32 width\nstring distortion_model\nfloat64[] d\nfloat64[9]  k\n' +
    'float64[9]  r\nfloat64[12] p\nuint32 binning_x\nuint32 binning_y\nRegionOfInterest roi\n',
  'sensor_msgs/msg/PointField':
    'uint8 INT8    = 1\nuint8 UINT8   = 2\nuint8 INT16   = 3\nuint8 UINT16  = 4\nuint8 INT32   = 5\n' +
    'uint8 UINT32  = 6\nuint8 FLOAT32 = 7\nuint8 FLOAT64 = 8\nstring name\nuint32 offset\nuint8  datatype\nuint32 count\n',
  'sensor_msgs/msg/PointCloud2':
    'std_msgs/Header header\nuint32 height\nuint32 width\nPointField[] fields\nbool    is_bigendian\n' +
    'uint32  point_step\nuint32  row_step\nuint8[] data\nbool is_dense\n',
  'sensor_msgs/msg/Imu':
    'std_msgs/Header header\ngeometry_msgs/Quaternion orientation\nfloat64[9] orientation_covariance\n' +
    'geometry_msgs/Vector3 angular_velocity\nfloat64[9] angular_velocity_covariance\n' +
    'geometry_msgs/Vector3 linear_acceleration\nfloat64[9] linear_acceleration_covariance\n',
  'sensor_msgs/msg/LaserScan':
    'std_msgs/Header header\nfloat32 angle_min\nfloat32 angle_max\nfloat32 angle_increment\nfloat32 time_increment\n' +
    'float32 scan_time\nfloat32 range_min\nfloat32 range_max\nfloat32[] ranges\nfloat32[] intensities\n',
  'nav_msgs/msg/Odometry':
    'std_msgs/Header header\nstring child_frame_id\ngeometry_msgs/PoseWithCovariance pose\n' +
    'geometry_msgs/TwistWithCovariance twist\n',
  'nav_msgs/msg/Path': 'std_msgs/Header header\ngeometry_msgs/PoseStamped[] poses\n',
  'tf2_msgs/msg/TFMessage': 'geometry_msgs/TransformStamped[] transforms\n',
  'rosgraph_msgs/msg/Clock': 'builtin_interfaces/Time clock\n',
  'diagnostic_msgs/msg/KeyValue': 'string key\nstring value\n',
  'diagnostic_msgs/msg/DiagnosticStatus':
    'byte OK=0\nbyte WARN=1\nbyte ERROR=2\nbyte STALE=3\nbyte level\nstring name\nstring message\n' +
    'string hardware_id\nKeyValue[] values\n',
  'diagnostic_msgs/msg/DiagnosticArray': 'std_msgs/Header header\nDiagnosticStatus[] status\n',
  'audio_common_msgs/msg/AudioData': 'uint8[] data\n',
  'audio_common_msgs/msg/AudioDataStamped': 'std_msgs/Header header\naudio_common_msgs/AudioData audio\n',
  'audio_common_msgs/msg/AudioInfo':
    'uint8 channels\nuint32 sample_rate\nstring sample_format\nuint32 bitrate\nstring coding_format\n',
  'vision_msgs/msg/ObjectHypothesis': 'string class_id\nfloat64 score\n',
  'vision_msgs/msg/ObjectHypothesisWithPose': 'ObjectHypothesis hypothesis\ngeometry_msgs/PoseWithCovariance pose\n',
  'vision_msgs/msg/BoundingBox3D': 'geometry_msgs/Pose center\ngeometry_msgs/Vector3 size\n',
  'vision_msgs/msg/Detection3D':
    'std_msgs/Header header\nObjectHypothesisWithPose[] results\nBoundingBox3D bbox\nstring id\n',
  'vision_msgs/msg/Detection3DArray': 'std_msgs/Header header\nDetection3D[] detections\n',
};
