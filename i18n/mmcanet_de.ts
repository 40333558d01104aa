<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
    <context>
        <name>MMCANet</name>
        <message>
            <location filename="../plugin/algorithm.py" line="60" />
            <source>Optical bands '{0}' are not a list of 1-based band numbers. Write them like '4,3,2' (red, green, blue of Sentinel-2 L1C) or leave the field empty to use the bands the weights were trained on.</source>
            <translation>Die optischen Bänder '{0}' sind keine Liste von Bandnummern ab 1. Schreiben Sie sie wie '4,3,2' (Rot, Grün, Blau von Sentinel-2 L1C) oder lassen Sie das Feld leer, um die Bänder zu verwenden, mit denen die Gewichte trainiert wurden.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="98" />
            <source>Removing clouds: {0}/{1} tiles</source>
            <translation>Wolken werden entfernt: {0}/{1} Kacheln</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="137" />
            <location filename="../plugin/main.py" line="52" />
            <source>Remove clouds (SAR-optical)</source>
            <translation>Wolken entfernen (SAR-optisch)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="140" />
            <source>Cloud removal</source>
            <translation>Wolkenentfernung</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="153" />
            <source>&lt;p&gt;Restores a cloud-covered &lt;b&gt;Sentinel-2&lt;/b&gt; image with the help of a &lt;b&gt;Sentinel-1&lt;/b&gt; radar (SAR) image of the same place, using the MMCANet neural network (Zhou et al., IEEE TGRS 2025). Radar sees through clouds; the network uses it to fill in what the clouds hide.&lt;/p&gt;&lt;p&gt;&lt;b&gt;SAR raster&lt;/b&gt;: Sentinel-1 GRD with two bands, VV then VH, as backscatter in dB (as in SEN12MS-CR) or as linear power (converted automatically).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Optical raster&lt;/b&gt;: the cloudy Sentinel-2 Level-1C image as digital numbers (reflectance x 10000), usually all 13 bands B1..B12 in the standard order.&lt;/p&gt;&lt;p&gt;Both rasters must be &lt;b&gt;co-registered&lt;/b&gt; and cover the same place, ideally on the same pixel grid (clip both with the same extent first). A SAR raster on another grid is resampled onto the optical grid; optical pixels without SAR become nodata.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Optical bands&lt;/b&gt;: which bands of the optical raster the model restores, 1-based and in the order the weights expect, e.g. 4,3,2 for red, green, blue. Leave empty to use the bands stored in the weights.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Weights&lt;/b&gt;: a MMCANet .safetensors file; the checkpoint shipped with the plugin is the default when there is one.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Output&lt;/b&gt;: a GeoTIFF with the restored optical bands (same CRS, extent and size as the optical raster, same scale as its digital numbers).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Device&lt;/b&gt;: auto uses a CUDA GPU when PyTorch sees one, else the CPU. On the CPU a large scene can take a long time; the image is processed in overlapping tiles (advanced parameters) and the run can be cancelled at any time.&lt;/p&gt;</source>
            <translation>&lt;p&gt;Stellt ein von Wolken bedecktes &lt;b&gt;Sentinel-2&lt;/b&gt;-Bild mit Hilfe eines &lt;b&gt;Sentinel-1&lt;/b&gt;-Radarbilds (SAR) desselben Ortes wieder her, mit dem neuronalen Netz MMCANet (Zhou et al., IEEE TGRS 2025). Radar sieht durch Wolken; das Netz nutzt es, um zu ergänzen, was die Wolken verdecken.&lt;/p&gt;&lt;p&gt;&lt;b&gt;SAR-Raster&lt;/b&gt;: Sentinel-1 GRD mit zwei Bändern, erst VV, dann VH, als Rückstreuung in dB (wie in SEN12MS-CR) oder als lineare Leistung (wird automatisch umgerechnet).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Optisches Raster&lt;/b&gt;: das bewölkte Sentinel-2-Level-1C-Bild als Digitalwerte (Reflexion x 10000), meist alle 13 Bänder B1..B12 in der üblichen Reihenfolge.&lt;/p&gt;&lt;p&gt;Beide Raster müssen &lt;b&gt;koregistriert&lt;/b&gt; sein und denselben Ort abdecken, am besten im selben Pixelraster (beide zuerst auf dieselbe Ausdehnung zuschneiden). Ein SAR-Raster in einem anderen Raster wird auf das optische Raster umgerechnet; optische Pixel ohne SAR werden NoData.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Optische Bänder&lt;/b&gt;: welche Bänder des optischen Rasters das Modell wiederherstellt, ab 1 gezählt und in der Reihenfolge, die die Gewichte erwarten, z. B. 4,3,2 für Rot, Grün, Blau. Leer lassen, um die in den Gewichten gespeicherten Bänder zu verwenden.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Gewichte&lt;/b&gt;: eine MMCANet-Datei (.safetensors); der mit dem Plugin gelieferte Checkpoint ist die Vorgabe, wenn es einen gibt.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Ausgabe&lt;/b&gt;: ein GeoTIFF mit den wiederhergestellten optischen Bändern (gleiches KBS, gleiche Ausdehnung und Größe wie das optische Raster, gleiche Skala wie dessen Digitalwerte).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Gerät&lt;/b&gt;: Automatisch nutzt eine CUDA-GPU, wenn PyTorch eine findet, sonst die CPU. Auf der CPU kann eine große Szene lange dauern; das Bild wird in überlappenden Kacheln verarbeitet (erweiterte Parameter), und der Lauf kann jederzeit abgebrochen werden.&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="176" />
            <source>&lt;p&gt;&lt;b&gt;The shipped weights are a demonstrator&lt;/b&gt;: a small network trained for less than an hour on a CPU on a handful of real Sentinel-1/-2 patches (SEN12MS-CR, BigEarthNet), RGB only. They show how the tool works; their results are not fit for analysis. &lt;a href="{0}"&gt;Train your own weights&lt;/a&gt; (what the demonstrator was trained on and how well it does: &lt;a href="{1}"&gt;model card&lt;/a&gt;).&lt;/p&gt;</source>
            <translation>&lt;p&gt;&lt;b&gt;Die mitgelieferten Gewichte sind ein Demonstrator&lt;/b&gt;: ein kleines Netz, weniger als eine Stunde auf einer CPU mit einer Handvoll echter Sentinel-1/-2-Ausschnitte (SEN12MS-CR, BigEarthNet) trainiert, nur RGB. Sie zeigen, wie das Werkzeug arbeitet; ihre Ergebnisse taugen nicht für Analysen. &lt;a href="{0}"&gt;Trainieren Sie eigene Gewichte&lt;/a&gt; (womit der Demonstrator trainiert wurde und wie gut er ist: &lt;a href="{1}"&gt;Modellkarte&lt;/a&gt;).&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="192" />
            <source>SAR raster (Sentinel-1, bands VV, VH)</source>
            <translation>SAR-Raster (Sentinel-1, Bänder VV, VH)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="194" />
            <source>Cloudy optical raster (Sentinel-2 L1C)</source>
            <translation>Bewölktes optisches Raster (Sentinel-2 L1C)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="196" />
            <source>Model weights (.safetensors)</source>
            <translation>Modellgewichte (.safetensors)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="199" />
            <source>Optical bands, 1-based (empty: from the weights)</source>
            <translation>Optische Bänder, ab 1 gezählt (leer: aus den Gewichten)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="202" />
            <location filename="../plugin/dock.py" line="194" />
            <source>Device</source>
            <translation>Gerät</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="202" />
            <source>auto (CUDA if available)</source>
            <translation>automatisch (CUDA, falls verfügbar)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="202" />
            <location filename="../plugin/dock.py" line="190" />
            <source>CPU</source>
            <translation>CPU</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="203" />
            <location filename="../plugin/dock.py" line="191" />
            <source>CUDA GPU</source>
            <translation>CUDA-GPU</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="210" />
            <source>Tile size in pixels, a multiple of 16 (0: automatic)</source>
            <translation>Kachelgröße in Pixeln, Vielfaches von 16 (0: automatisch)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="213" />
            <source>Tile overlap in pixels (-1: automatic)</source>
            <translation>Kachelüberlappung in Pixeln (-1: automatisch)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="216" />
            <source>Tiles per batch</source>
            <translation>Kacheln pro Stapel</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="219" />
            <source>Half precision (CUDA only, faster, less memory)</source>
            <translation>Halbe Genauigkeit (nur CUDA, schneller, weniger Speicher)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="224" />
            <source>Cloud-free raster</source>
            <translation>Wolkenfreies Raster</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="234" />
            <source>Device used</source>
            <translation>Verwendetes Gerät</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="236" />
            <source>Optical bands restored (1-based, output order)</source>
            <translation>Wiederhergestellte optische Kanäle (ab 1, Reihenfolge der Ausgabe)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="255" />
            <source>The SAR raster is missing or cannot be opened. Choose a raster layer or a GeoTIFF file.</source>
            <translation>Das SAR-Raster fehlt oder lässt sich nicht öffnen. Wählen Sie einen Rasterlayer oder eine GeoTIFF-Datei.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="257" />
            <source>The optical raster is missing or cannot be opened. Choose a raster layer or a GeoTIFF file.</source>
            <translation>Das optische Raster fehlt oder lässt sich nicht öffnen. Wählen Sie einen Rasterlayer oder eine GeoTIFF-Datei.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="263" />
            <source>The SAR raster '{0}' is not a raster file on disk. Save it as a GeoTIFF first (Export &gt; Save As...).</source>
            <translation>Das SAR-Raster '{0}' ist keine Rasterdatei auf der Festplatte. Speichern Sie es zuerst als GeoTIFF (Exportieren &gt; Speichern als...).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="265" />
            <source>The optical raster '{0}' is not a raster file on disk. Save it as a GeoTIFF first (Export &gt; Save As...).</source>
            <translation>Das optische Raster '{0}' ist keine Rasterdatei auf der Festplatte. Speichern Sie es zuerst als GeoTIFF (Exportieren &gt; Speichern als...).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="277" />
            <source>Model weights '{0}' not found. Choose a MMCANet weights file (.safetensors) in the Weights parameter.</source>
            <translation>Modellgewichte '{0}' nicht gefunden. Wählen Sie im Parameter Gewichte eine MMCANet-Gewichtsdatei (.safetensors).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="283" />
            <source>The output '{0}' must be a GeoTIFF (.tif).</source>
            <translation>Die Ausgabe '{0}' muss ein GeoTIFF (.tif) sein.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="300" />
            <source>Starting PyTorch...</source>
            <translation>PyTorch wird gestartet...</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="310" />
            <source>Device '{0}' cannot be used: {1}</source>
            <translation>Das Gerät '{0}' kann nicht verwendet werden: {1}</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="313" />
            <location filename="../plugin/dock.py" line="288" />
            <location filename="../plugin/dock.py" line="381" />
            <source>Device: {0}</source>
            <translation>Gerät: {0}</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="318" />
            <source>Loading the model weights...</source>
            <translation>Die Modellgewichte werden geladen...</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="325" />
            <source>Reading the rasters...</source>
            <translation>Die Raster werden gelesen...</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="346" />
            <source>Cloud removal failed: {0}: {1}</source>
            <translation>Wolkenentfernung fehlgeschlagen: {0}: {1}</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="352" />
            <location filename="../plugin/algorithm.py" line="342" />
            <location filename="../plugin/task.py" line="151" />
            <source>Cancelled; no output was written.</source>
            <translation>Abgebrochen; es wurde keine Ausgabe geschrieben.</translation>
        </message>
        <message>
            <location filename="../plugin/demonstrator.py" line="39" />
            <source>&lt;b&gt;Demonstrator weights&lt;/b&gt;: a small network trained briefly on a CPU on a handful of public Sentinel-1/-2 patches (RGB only). Good for trying the tool, not for analysis: &lt;a href="{0}"&gt;train your own&lt;/a&gt;.</source>
            <translation>&lt;b&gt;Demonstrator-Gewichte&lt;/b&gt;: ein kleines Netz, kurz auf einer CPU mit einer Handvoll öffentlicher Sentinel-1/-2-Ausschnitte trainiert (nur RGB). Gut zum Ausprobieren, nicht für Analysen: &lt;a href="{0}"&gt;eigene trainieren&lt;/a&gt;.</translation>
        </message>
        <message>
            <location filename="../plugin/demonstrator.py" line="52" />
            <source>These are the demonstrator weights shipped with the plugin: {parameters} M parameters, bands {bands}, trained for {minutes} minutes on a CPU on a few real patches of {data}. They show how the tool works; their results are not fit for analysis. Train your own weights: {training} (details: {card}).</source>
            <translation>Dies sind die mit dem Plugin gelieferten Demonstrator-Gewichte: {parameters} Mio. Parameter, Kanäle {bands}, {minutes} Minuten auf einer CPU mit wenigen echten Ausschnitten aus {data} trainiert. Sie zeigen, wie das Werkzeug arbeitet; ihre Ergebnisse taugen nicht für Analysen. Eigene Gewichte trainieren: {training} (Details: {card}).</translation>
        </message>
        <message>
            <location filename="../plugin/deps.py" line="252" />
            <source>MMCANet needs Python packages that this QGIS lacks: {0}. Install them with the plugin's installer (menu Raster &gt; MMCANet cloud removal &gt; Install Python dependencies...), or run: {1}</source>
            <translation>MMCANet benötigt Python-Pakete, die diesem QGIS fehlen: {0}. Installieren Sie sie mit dem Installationsprogramm des Plugins (Menü Raster &gt; MMCANet-Wolkenentfernung &gt; Python-Abhängigkeiten installieren...) oder führen Sie aus: {1}</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="80" />
            <location filename="../plugin/main.py" line="32" />
            <location filename="../plugin/main.py" line="63" />
            <location filename="../plugin/provider.py" line="19" />
            <location filename="../plugin/task.py" line="94" />
            <source>MMCANet cloud removal</source>
            <translation>MMCANet-Wolkenentfernung</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="106" />
            <source>Restore a cloudy Sentinel-2 image with a co-registered Sentinel-1 SAR image of the same place.</source>
            <translation>Ein bewölktes Sentinel-2-Bild mit einem koregistrierten Sentinel-1-SAR-Bild desselben Ortes wiederherstellen.</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="126" />
            <location filename="../plugin/main.py" line="58" />
            <source>Install Python dependencies...</source>
            <translation>Python-Abhängigkeiten installieren...</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="139" />
            <source>Inputs</source>
            <translation>Eingaben</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="144" />
            <source>SAR (VV, VH)</source>
            <translation>SAR (VV, VH)</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="145" />
            <source>Cloudy optical</source>
            <translation>Bewölkt, optisch</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="149" />
            <source>Model</source>
            <translation>Modell</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="152" />
            <source>MMCANet weights (*.safetensors)</source>
            <translation>MMCANet-Gewichte (*.safetensors)</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="153" />
            <source>Choose a .safetensors file</source>
            <translation>Eine .safetensors-Datei wählen</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="158" />
            <source>Weights</source>
            <translation>Gewichte</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="165" />
            <source>Result</source>
            <translation>Ergebnis</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="169" />
            <source>GeoTIFF (*.tif)</source>
            <translation>GeoTIFF (*.tif)</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="170" />
            <source>Empty: saved next to the optical raster, named after it.</source>
            <translation>Leer: neben dem optischen Raster gespeichert, nach ihm benannt.</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="173" />
            <source>Temporary file</source>
            <translation>Temporäre Datei</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="174" />
            <source>Deleted when QGIS closes</source>
            <translation>Wird beim Beenden von QGIS gelöscht</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="176" />
            <source>Save to</source>
            <translation>Speichern unter</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="185" />
            <source>Advanced</source>
            <translation>Erweitert</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="190" />
            <source>Auto (CUDA if available)</source>
            <translation>Automatisch (CUDA, falls verfügbar)</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="199" />
            <source>Decloud</source>
            <translation>Wolken entfernen</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="202" />
            <source>Cancel</source>
            <translation>Abbrechen</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="244" />
            <source>Next to the optical raster</source>
            <translation>Neben dem optischen Raster</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="259" />
            <source>Missing Python packages: {0}. Install them with the button below (details in the MMCANet log tab).</source>
            <translation>Fehlende Python-Pakete: {0}. Installieren Sie sie mit der Schaltfläche unten (Details im Protokoll-Reiter MMCANet).</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="262" />
            <source>Device: known once PyTorch is installed.</source>
            <translation>Gerät: bekannt, sobald PyTorch installiert ist.</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="264" />
            <source>Ready. Choose the SAR and the cloudy optical layer, then press Decloud.</source>
            <translation>Bereit. Wählen Sie den SAR- und den bewölkten optischen Layer und drücken Sie dann „Wolken entfernen“.</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="279" />
            <source>Device: checking...</source>
            <translation>Gerät: wird ermittelt...</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="307" />
            <location filename="../plugin/dock.py" line="390" />
            <location filename="../plugin/installer.py" line="105" />
            <location filename="../plugin/installer.py" line="116" />
            <location filename="../plugin/installer.py" line="122" />
            <location filename="../plugin/installer.py" line="82" />
            <location filename="../plugin/main.py" line="70" />
            <source>MMCANet</source>
            <translation>MMCANet</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="319" />
            <source>Choose both a SAR and an optical raster layer.</source>
            <translation>Wählen Sie sowohl einen SAR- als auch einen optischen Rasterlayer.</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="321" />
            <source>The SAR and the optical layer must be different layers.</source>
            <translation>SAR- und optischer Layer müssen verschiedene Layer sein.</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="324" />
            <source>Choose the model weights (.safetensors file).</source>
            <translation>Wählen Sie die Modellgewichte (.safetensors-Datei).</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="331" />
            <source>No folder to save the result in: {0}. Choose a file under Save to.</source>
            <translation>Kein Ordner zum Speichern des Ergebnisses: {0}. Wählen Sie eine Datei unter „Speichern unter“.</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="346" />
            <source>{0} (cloud-free)</source>
            <translation>{0} (wolkenfrei)</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="356" />
            <source>Starting...</source>
            <translation>Wird gestartet...</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="364" />
            <source>Cancelling...</source>
            <translation>Wird abgebrochen...</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="378" />
            <source>{0} ({1} s)</source>
            <translation>{0} ({1} s)</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="25" />
            <source>The SAR raster covers {percent} of the optical scene; the rest will be nodata.</source>
            <translation>Das SAR-Raster deckt {percent} der optischen Szene ab; der Rest wird NoData.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="26" />
            <source>SAR values look like dB.</source>
            <translation>SAR-Werte sehen nach dB aus.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="28" />
            <source>SAR values look like linear power; they are converted to dB.</source>
            <translation>SAR-Werte sehen nach linearer Leistung aus; sie werden in dB umgerechnet.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="30" />
            <source>The SAR raster is on another grid: resampled bilinearly onto the optical grid.</source>
            <translation>Das SAR-Raster liegt auf einem anderen Gitter: bilinear auf das optische Gitter umgerechnet.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="33" />
            <source>{width} x {height} pixels, bands {bands}: {tiles} tile(s) of {tile} pixels (overlap {overlap}), {batch} per batch.</source>
            <translation>{width} x {height} Pixel, Kanäle {bands}: {tiles} Kachel(n) zu {tile} Pixeln (Überlappung {overlap}), {batch} pro Stapel.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="37" />
            <source>Network: {backend}, {precision}.</source>
            <translation>Netz: {backend}, {precision}.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="38" />
            <source>Half precision: {what}.</source>
            <translation>Halbe Genauigkeit: {what}.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="40" />
            <source>torch.compile: compiled in {seconds} s.</source>
            <translation>torch.compile: in {seconds} s kompiliert.</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="41" />
            <source>Written in {seconds} s: {path}</source>
            <translation>Geschrieben in {seconds} s: {path}</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="48" />
            <source>CUDA GPU found: {name}</source>
            <translation>CUDA-GPU gefunden: {name}</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="50" />
            <source>no CUDA GPU visible to PyTorch; using the CPU</source>
            <translation>keine CUDA-GPU für PyTorch sichtbar; die CPU wird verwendet</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="51" />
            <source>CPU chosen</source>
            <translation>CPU gewählt</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="52" />
            <source>{device} chosen: {name}</source>
            <translation>{device} gewählt: {name}</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="53" />
            <source>Apple MPS chosen</source>
            <translation>Apple MPS gewählt</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="81" />
            <source>{device} ({reason})</source>
            <translation>{device} ({reason})</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="20" />
            <source>Installing MMCANet's Python dependencies</source>
            <translation>Python-Abhängigkeiten von MMCANet werden installiert</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="29" />
            <source>QGIS's own Python interpreter was not found, so pip cannot run from QGIS. Run the command shown in the MMCANet tab of the log in a terminal (the OSGeo4W Shell on Windows).</source>
            <translation>Der eigene Python-Interpreter von QGIS wurde nicht gefunden, daher kann pip nicht aus QGIS heraus laufen. Führen Sie den Befehl aus dem Reiter MMCANet des Protokolls in einem Terminal aus (unter Windows in der OSGeo4W Shell).</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="64" />
            <source>pip failed (exit code {0}); see the MMCANet tab of the log.</source>
            <translation>pip ist fehlgeschlagen (Exit-Code {0}); siehe den Reiter MMCANet im Protokoll.</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="83" />
            <source>All Python dependencies of MMCANet are installed.</source>
            <translation>Alle Python-Abhängigkeiten von MMCANet sind installiert.</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="86" />
            <source>MMCANet needs these Python packages, which this QGIS lacks: {0}.

Install them now into the plugin's own folder
{1}?

Packages QGIS ships (numpy, GDAL) are left untouched. The download can take several minutes (PyTorch is large).</source>
            <translation>MMCANet benötigt diese Python-Pakete, die diesem QGIS fehlen: {0}.

Jetzt in den eigenen Ordner des Plugins installieren?
{1}

Die mit QGIS gelieferten Pakete (numpy, GDAL) bleiben unverändert. Der Download kann mehrere Minuten dauern (PyTorch ist groß).</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="92" />
            <source>MMCANet dependencies</source>
            <translation>MMCANet-Abhängigkeiten</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="105" />
            <source>Installing Python dependencies in the background...</source>
            <translation>Python-Abhängigkeiten werden im Hintergrund installiert...</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="113" />
            <source>still missing after the install: {0}</source>
            <translation>nach der Installation fehlen noch: {0}</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="116" />
            <source>Dependencies installed. The cloud removal is ready.</source>
            <translation>Abhängigkeiten installiert. Die Wolkenentfernung ist bereit.</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="120" />
            <source>cancelled</source>
            <translation>abgebrochen</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="122" />
            <source>Installing the dependencies failed: {0}</source>
            <translation>Die Installation der Abhängigkeiten ist fehlgeschlagen: {0}</translation>
        </message>
        <message>
            <location filename="../plugin/main.py" line="55" />
            <source>Show or hide the MMCANet cloud-removal panel</source>
            <translation>Das MMCANet-Bedienfeld zur Wolkenentfernung ein- oder ausblenden</translation>
        </message>
        <message>
            <location filename="../plugin/main.py" line="70" />
            <source>Missing Python packages: {0}. Open the MMCANet panel to install them.</source>
            <translation>Fehlende Python-Pakete: {0}. Öffnen Sie das MMCANet-Bedienfeld, um sie zu installieren.</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="71" />
            <source>Cloud-free</source>
            <translation>Wolkenfrei</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="91" />
            <source>The algorithm {0} is not registered.</source>
            <translation>Der Algorithmus {0} ist nicht registriert.</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="123" />
            <source>The output {0} could not be opened.</source>
            <translation>Die Ausgabe {0} konnte nicht geöffnet werden.</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="132" />
            <source>Done: added layer '{0}' from a temporary file, which QGIS deletes when it closes (Export &gt; Save As... keeps it).</source>
            <translation>Fertig: Layer „{0}“ aus einer temporären Datei hinzugefügt, die QGIS beim Beenden löscht (Exportieren &gt; Speichern unter... behält sie).</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="136" />
            <source>Done: saved to {0} and added as layer '{1}' above its input.</source>
            <translation>Fertig: gespeichert unter {0} und als Layer „{1}“ über seiner Eingabe hinzugefügt.</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="139" />
            <source>The input layer now shows bands {0} as the result does.</source>
            <translation>Der Eingabe-Layer zeigt jetzt wie das Ergebnis die Kanäle {0}.</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="153" />
            <source>unknown error</source>
            <translation>unbekannter Fehler</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="154" />
            <source>Cloud removal failed: {0}</source>
            <translation>Wolkenentfernung fehlgeschlagen: {0}</translation>
        </message>
    </context>
</TS>
