// GENERATED from ros/sensorium_msgs/msg/*.msg (verbatim). Do not edit by hand: test/definitions.test.ts
// fails when this file and the .msg files differ. Regenerate with:
//   node packages/core/scripts/gen-sensorium-definitions.mjs
export const SENSORIUM_DEFINITIONS: Readonly<Record<string, string>> = {
  "sensorium_msgs/msg/AudioEvent":
    "# An acoustic event: onset time, loudness and direction.\nbuiltin_interfaces/Time onset\n# onset | alarm | speech | hum | unknown\nstring kind\n# Level relative to full scale, dB.\nfloat32 level_db\n# Direction of arrival in base_link, rad CCW from x; NaN when unknown (single channel).\nfloat32 bearing\nfloat32 confidence\n",
  "sensorium_msgs/msg/AudioEventArray":
    "std_msgs/Header header\nsensorium_msgs/AudioEvent[] events\n",
  "sensorium_msgs/msg/FeatureTokens":
    "# Tokens produced by a modality encoder: count x dim, row-major.\nstd_msgs/Header header\n# vision | lidar | audio | touch\nstring modality\nuint32 count\nuint32 dim\nfloat32[] data\n",
  "sensorium_msgs/msg/FusedPercept":
    "# The fused percept that drives control.\nstd_msgs/Header header\n# Fused embedding (cross-modal attention output, pooled).\nfloat32[] embedding\nstring[] modalities\nfloat32[] weights\n# Obstacle summary in base_link: nearest obstacle distance (m, +inf when none) and bearing (rad, CCW from x).\nfloat32 nearest_obstacle_distance\nfloat32 nearest_obstacle_bearing\n# Probability that an obstacle is ahead within the vision head's range.\nfloat32 obstacle_ahead_score\nuint32 obstacle_count\n# Contact reported by touch in this step.\nbool contact\n",
  "sensorium_msgs/msg/ModalityWeights":
    "# Output of the dynamic gating network at one fusion step.\nstd_msgs/Header header\n# Modality names, in the order of weights (vision, lidar, audio, touch).\nstring[] modalities\n# Softmax weights, sum to 1.\nfloat32[] weights\n# Costly modules currently switched on (e.g. \"lidar_point_encoder\").\nstring[] active_modules\n# Per-modality staleness flags, in the order of modalities.\nbool[] stale\n",
  "sensorium_msgs/msg/SafetyEvent":
    "# An intervention of the safety supervisor.\nstd_msgs/Header header\n# ttc_slowdown | contact_stop | stale_inputs | velocity_limit | accel_limit | cmd_timeout | invalid_command\nstring reason\nstring detail\n# Scale applied to the commanded velocity (0 = stop, 1 = untouched).\nfloat32 scale\n",
  "sensorium_msgs/msg/ScenarioStatus":
    "# Progress and score of the running scenario.\nstd_msgs/Header header\nstring name\n# idle | running | paused | finished\nstring state\nfloat32 sim_time\nfloat32 route_completion\nuint32 collisions\nfloat32 min_clearance\nuint32 infractions\nfloat32 driving_score\nbool passed\n",
  "sensorium_msgs/msg/SceneObject":
    "# One object of the simulated world, for viewers (the simulator's ground truth, not perception).\nstring id\n# box | cylinder | wall | robot | zone | mover | sound\nstring shape\ngeometry_msgs/Pose pose\n# Extent in metres: box/wall x y z; cylinder diameter diameter height.\ngeometry_msgs/Vector3 size\n# \"#rrggbb\"\nstring color\n# default | glass | absorbing (LiDAR material)\nstring material\n# Zone polygon in map, flattened x0 y0 x1 y1 ...; empty for solids.\nfloat32[] polygon\n",
  "sensorium_msgs/msg/SectorRanges":
    "# Minimum range per angular sector around the sensor: the cheap, always-on LiDAR summary.\nstd_msgs/Header header\n# Centre angle of sector 0, rad CCW from x; sectors are angle_increment apart.\nfloat32 angle_min\nfloat32 angle_increment\n# Minimum range per sector, metres; +inf where a sector saw nothing.\nfloat32[] ranges\n",
  "sensorium_msgs/msg/TactileArray":
    "# Pressures of a tactile skin, one entry per taxel.\nstd_msgs/Header header\n# Pressure per taxel, kPa (>= 0).\nfloat32[] pressures\n# Taxel positions in header.frame_id, metres, flattened x0 y0 z0 x1 y1 z1 ... (3 per taxel).\nfloat32[] positions\n# Outward unit normals of the taxels, flattened like positions (3 per taxel).\nfloat32[] normals\n",
  "sensorium_msgs/msg/TouchContacts":
    "# Contacts found on a tactile skin in one frame.\nstd_msgs/Header header\n# Indices of taxels above the contact threshold.\nuint32[] taxels\n# Sum of pressures over contact taxels, kPa.\nfloat32 total_pressure\n# Pressure-weighted centroid of the contact taxels in header.frame_id, metres.\ngeometry_msgs/Point centroid\n# True in the frame in which a contact begins (a bump).\nbool bump\n# Bearing of the centroid in header.frame_id, rad CCW from x; NaN when there is no contact.\nfloat32 bearing\n",
  "sensorium_msgs/msg/WorldState":
    "# The simulated world in frame map: static objects once (latched), movers and the robot as they move.\nstd_msgs/Header header\nsensorium_msgs/SceneObject[] objects\n",
};
